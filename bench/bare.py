"""A bare Flask page: the yardstick for the application's throughput under the same gunicorn."""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def page():
    """A tiny HTML page, no database, no templates."""
    return "<!doctype html><title>bare</title><p>ok</p>"
