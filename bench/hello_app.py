"""The reference for the web benchmark: the smallest Flask app, under the same gunicorn."""

from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello():
    return "hello"
