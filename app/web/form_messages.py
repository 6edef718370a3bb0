"""WTForms' own messages in the user's language.

WTForms ships no Vietnamese catalog, so its messages ("This field is required.",
"Field cannot be longer than 4000 characters.") would reach a Vietnamese form in
English. The forms of the app (``app.web.forms.Form``) take their translations from
here instead: the app's own catalog, which holds the messages listed below.
"""
from __future__ import annotations

from flask_babel import get_translations


class CatalogTranslations:
    """The gettext/ngettext pair WTForms asks for, answered from the app's catalog.

    WTForms formats the result itself (``% dict(max=...)``), so the message is returned
    untouched, placeholders and all.
    """

    def gettext(self, string: str) -> str:
        return get_translations().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return get_translations().ungettext(singular, plural, n)


TRANSLATIONS = CatalogTranslations()


def _for_extraction(gettext, ngettext) -> None:  # never called: Babel reads the messages here
    gettext("This field is required.")
    gettext("Invalid input.")
    gettext("Invalid email address.")
    gettext("Not a valid choice.")
    gettext("Invalid Choice: could not coerce.")
    gettext("Not a valid integer value.")
    gettext("Not a valid date value.")
    gettext("Not a valid datetime value.")
    gettext("Field must be equal to %(other_name)s.")
    gettext("Field must be between %(min)d and %(max)d characters long.")
    gettext("Number must be at least %(min)s.")
    gettext("Number must be at most %(max)s.")
    gettext("Number must be between %(min)s and %(max)s.")
    gettext("Invalid value, must be one of: %(values)s.")
    ngettext("Field must be at least %(min)d character long.",
             "Field must be at least %(min)d characters long.", 1)
    ngettext("Field cannot be longer than %(max)d character.",
             "Field cannot be longer than %(max)d characters.", 1)
    ngettext("Field must be exactly %(max)d character long.",
             "Field must be exactly %(max)d characters long.", 1)
    ngettext("'%(value)s' is not a valid choice for this field.",
             "'%(value)s' are not valid choices for this field.", 1)
