.PHONY: run test lint format translations

run:  ## Set up and serve the app with demo data (SQLite)
	bash scripts/run.sh

test:  ## Install everything the tests need and run the whole suite (SQLite and PostgreSQL)
	bash scripts/test.sh

lint:
	.venv/bin/ruff check app tests bench
	.venv/bin/ruff format --check app tests bench

format:
	.venv/bin/ruff format app tests bench
	.venv/bin/ruff check --fix app tests bench

translations:  ## Extract messages, update the catalogues (new entries empty, never fuzzy), compile
	.venv/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext --add-comments=NOTE -o app/translations/messages.pot .
	.venv/bin/pybabel update --no-fuzzy-matching -i app/translations/messages.pot -d app/translations
	.venv/bin/pybabel compile -d app/translations
