.PHONY: help run test check lint format translations books
.DEFAULT_GOAL := help

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

run:  ## Set up and serve the app with demo data (SQLite)
	bash scripts/run.sh

test:  ## Install everything the tests need and run the whole suite (SQLite and PostgreSQL)
	bash scripts/test.sh

check:  ## Fast edit-test loop: ruff, then every test that needs no browser and no PostgreSQL
	.venv/bin/ruff check app tests bench
	.venv/bin/ruff format --check app tests bench
	.venv/bin/pytest -q -p no:cacheprovider -m "not browser and not postgres" -x

lint:  ## ruff check and format check
	.venv/bin/ruff check app tests bench
	.venv/bin/ruff format --check app tests bench

format:  ## Format and fix what ruff can
	.venv/bin/ruff format app tests bench
	.venv/bin/ruff check --fix app tests bench

books:  ## Build the talking book of every shipped course and check it (EPUBCheck, Ace, clips; minutes)
	.venv/bin/python scripts/check-books.py

translations:  ## Extract messages, update the catalogues (new entries empty, never fuzzy), compile
	.venv/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext --add-comments=NOTE -o app/translations/messages.pot .
	.venv/bin/pybabel update --no-fuzzy-matching -i app/translations/messages.pot -d app/translations
	.venv/bin/pybabel compile -d app/translations
