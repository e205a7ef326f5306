"""Forms every part of the app uses."""

from flask_wtf import FlaskForm
from wtforms import HiddenField


class ConfirmForm(FlaskForm):
    """A form with only the CSRF token (and where to go back), for one-button actions."""

    next = HiddenField()
