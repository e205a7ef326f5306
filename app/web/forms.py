"""Forms every part of the app uses, and the base class of all of them."""

from flask_wtf import FlaskForm
from wtforms import HiddenField


class Form(FlaskForm):
    """Every form of the app: a Flask-WTF form whose hidden inputs carry no id.

    A hidden input has no label to point at it, and a page often shows several forms, each with
    its CSRF token: the same `id="csrf_token"` 7 to 9 times on a workshop page made the W3C
    checker report 105 errors (issue 21). Without the id, each stays unique by its form.
    """

    class Meta:
        def render_field(self, field, render_kw):
            if isinstance(field, HiddenField):
                render_kw = {"id": False, **render_kw}
            return super().render_field(field, render_kw)


class ConfirmForm(Form):
    """A form with only the CSRF token (and where to go back), for one-button actions."""

    next = HiddenField()
