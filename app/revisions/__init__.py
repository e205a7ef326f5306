"""Course revisions in the database: every file of every published version, content-addressed.

Each course version becomes an immutable revision (its files as path -> blob by SHA-256, so an
unchanged file is stored once); a course points at its published revision. `flask courses
sync` records every course folder that loads without errors as a published revision (author
"carpeta courses/"), and `flask courses export SLUG DIR` writes any revision back out as a
folder. Serving courses from these revisions and editing them in the browser come next.
"""
