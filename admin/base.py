"""The role-aware base views: every Flask-Admin path goes through `wrm.berechtigungen`.

Flask-Admin 2 loads single records through `get_one` (edit, details, delete, ajax update), which
by default ignores `get_query`; lists, counts and exports go through `get_query` and
`get_count_query`; bulk actions filter their ids through `get_query`. All of them are scoped
here, once, with the same condition.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from functools import partial
from typing import Any

from flask import abort, flash, has_request_context, redirect, request, url_for
from flask_admin import AdminIndexView, BaseView, expose
from flask_admin.contrib.sqla import ModelView
from flask_admin.contrib.sqla.ajax import QueryAjaxModelLoader
from flask_admin.model import typefmt
from flask_admin.model.filters import BaseFilter
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from admin.formulare import Umwandler, WrmFormular
from admin.herunterladen import herunterladen
from wrm import berechtigungen, exporte
from wrm.anzeige import datum, zeitpunkt
from wrm.ausfall import DATENBANK_NICHT_VERFUEGBAR
from wrm.berechtigungen import Aktion
from wrm.db import db
from wrm.meldefelder import bezeichnung
from wrm.models import Benutzer
from wrm.services.pruefung import (
    HOECHSTE_KENNUNG,
    Validierungsfehler,
    kennung_lesen,
    steuerzeichen,
)


def angemeldeter_benutzer() -> Benutzer | None:
    """The logged-in user, or None (also outside a request)."""
    if not has_request_context() or not current_user.is_authenticated:
        return None
    return current_user  # type: ignore[return-value]


def _nicht_erlaubt() -> Response:
    if angemeldeter_benutzer() is None:
        return redirect(url_for("anmeldung.login", next=request.full_path))
    abort(403)


class GeschuetzteAnsicht(BaseView):
    """A custom page for the roles that may `aktion` the records of `modell`."""

    modell: type
    aktion: Aktion = Aktion.LESEN

    def is_accessible(self) -> bool:
        return berechtigungen.darf(angemeldeter_benutzer(), self.aktion, self.modell)

    def inaccessible_callback(self, name: str, **kwargs: Any) -> Response:
        return _nicht_erlaubt()


class StartAnsicht(AdminIndexView):
    """The home page after login; everyone logged in may see it."""

    def is_accessible(self) -> bool:
        return angemeldeter_benutzer() is not None

    def inaccessible_callback(self, name: str, **kwargs: Any) -> Response:
        return _nicht_erlaubt()


class BereichsLoader(QueryAjaxModelLoader):
    """An ajax lookup (`form_ajax_refs`) that lists only the records the user may read."""

    def get_query(self) -> Any:
        return berechtigungen.filtern(angemeldeter_benutzer(), self.model, Aktion.LESEN,
                                      super().get_query())

    def get_one(self, pk: Any) -> Any:
        """The chosen record if the user may read it, else None (the form then says so)."""
        schluessel = kennung_lesen(pk)
        if schluessel is None:
            return None
        return self.get_query().filter(getattr(self.model, self.pk) == schluessel).one_or_none()


def _wert_deutsch(view: Any, wert: Enum, name: str) -> str:
    """A stored enum value as its German word from the catalogue (lists and details)."""
    return bezeichnung(name.rsplit(".", 1)[-1], wert)


def _zeitpunkt(view: Any, wert: datetime, name: str) -> str:
    """A moment in local time, German (datetime before date: a datetime is a date too)."""
    return zeitpunkt(wert)


def _tag(view: Any, wert: date, name: str) -> str:
    """A day, German."""
    return datum(wert)


def _filterwert_gueltig(filter_: BaseFilter, wert: str) -> bool:
    """Flask-Admin's check of a filter value, made total: a value it cannot read (an unknown
    enum name raises KeyError, not ValueError), a control character or a number beyond the
    database's integer range is invalid, shown as such instead of failing with a 500."""
    if steuerzeichen(wert):
        return False
    try:
        if not type(filter_).validate(filter_, wert):
            return False
        gelesen = filter_.clean(wert)
    except (KeyError, ValueError, TypeError, OverflowError):
        return False
    werte = gelesen if isinstance(gelesen, list) else [gelesen]
    return all(not isinstance(w, int) or abs(w) <= HOECHSTE_KENNUNG for w in werte)


class GeschuetzteModelView(ModelView):
    """A model screen whose rows are the user's `bereich` for `aktion`, on every path.

    `aktion` is what the screen is for: management screens show the records the user may
    change (a kommune user: only its own report); read-only screens use `Aktion.LESEN`.
    """

    aktion: Aktion = Aktion.AENDERN
    form_base_class = WrmFormular
    model_form_converter = Umwandler
    # Inline list editing would bypass validation, locking and history.
    column_editable_list: tuple[str, ...] = ()
    can_set_page_size = True
    page_size = 50
    export_types = ["xlsx", "csv"]
    export_erlaubt = False
    # Stored words as German labels (`meldefelder.bezeichnung`), in lists, details, exports;
    # otherwise raw values for the export writer, which types the cells itself.
    column_type_formatters = {datetime: _zeitpunkt, date: _tag, **typefmt.BASE_FORMATTERS,
                              Enum: _wert_deutsch}
    column_type_formatters_detail = {datetime: _zeitpunkt, date: _tag,
                                     **typefmt.DETAIL_FORMATTERS, Enum: _wert_deutsch}
    column_type_formatters_export: dict[type, Any] = {Enum: _wert_deutsch}

    def __init__(self, model: type, **kwargs: Any) -> None:
        super().__init__(model, db, **kwargs)

    @property
    def benutzer(self) -> Benutzer | None:
        """The logged-in user."""
        return angemeldeter_benutzer()

    def _darf(self, aktion: Aktion) -> bool:
        if not has_request_context():
            # Flask-Admin builds its column caches at start-up from these flags; what the
            # view can do at all is decided by RECHTE, who may do it per request.
            return any(aktion in rechte for rechte in berechtigungen.RECHTE[self.model].values())
        return berechtigungen.darf(self.benutzer, aktion, self.model)

    # Role-dependent flags, evaluated per request.
    @property
    def can_create(self) -> bool:  # type: ignore[override]
        return self._darf(Aktion.ANLEGEN)

    @property
    def can_edit(self) -> bool:  # type: ignore[override]
        return self._darf(Aktion.AENDERN)

    @property
    def can_delete(self) -> bool:  # type: ignore[override]
        return self._darf(Aktion.LOESCHEN)

    @property
    def can_view_details(self) -> bool:  # type: ignore[override]
        return self._darf(Aktion.LESEN)

    @property
    def can_export(self) -> bool:  # type: ignore[override]
        return self.export_erlaubt and self._darf(Aktion.LESEN)

    def is_accessible(self) -> bool:
        return self._darf(self.aktion)

    def inaccessible_callback(self, name: str, **kwargs: Any) -> Response:
        return _nicht_erlaubt()

    def handle_view_exception(self, exc: Exception) -> bool:
        """A failed save of a generated form, in German: rule violations and conflicts with
        the database's constraints as messages (Flask-Admin would show the SQL), an unavailable
        database as the 503 page."""
        if isinstance(exc, DATENBANK_NICHT_VERFUEGBAR):
            raise exc
        if isinstance(exc, Validierungsfehler):
            for text in exc.fehler.values():
                flash(text, "error")
            return True
        if isinstance(exc, IntegrityError):
            flash("Nicht gespeichert: Der Datensatz widerspricht einer Regel der Datenbank "
                  "(zum Beispiel gibt es den Namen schon).", "error")
            return True
        return super().handle_view_exception(exc)

    def _get_list_extra_args(self) -> Any:
        """The list's paging and sorting from the URL, within bounds: a page number beyond
        any database integer would make the offset a server error."""
        argumente = super()._get_list_extra_args()
        for name in ("page", "page_size", "sort"):
            wert = getattr(argumente, name)
            if wert is not None and not 0 <= wert <= HOECHSTE_KENNUNG:
                setattr(argumente, name, 0 if name == "page" else None)
        return argumente

    def get_filters(self) -> list[BaseFilter] | None:
        """The list filters, each with a total validity check (see `_filterwert_gueltig`)."""
        filter_ = super().get_filters()
        for eintrag in filter_ or ():
            eintrag.validate = partial(_filterwert_gueltig, eintrag)  # type: ignore[method-assign]
        return filter_

    def is_action_allowed(self, name: str) -> bool:
        if name == "delete":
            return self.can_delete
        return self.can_edit and super().is_action_allowed(name)

    # The row scope, on every path.
    def search_placeholder(self) -> str | None:
        """The search box's hint in words, "Suchen: Kommune, Benutzer", instead of Flask-Admin's
        column paths ("kommune.name")."""
        if not self.column_searchable_list:
            return None
        namen = []
        for feld in self.column_searchable_list:
            name = str(feld).split(".")[0]
            namen.append(str((self.column_labels or {}).get(name)
                             or name.replace("_", " ").capitalize()))
        return "Suchen: " + ", ".join(dict.fromkeys(namen))

    def get_query(self) -> Any:
        return berechtigungen.filtern(self.benutzer, self.model, self.aktion, super().get_query())

    def get_count_query(self) -> Any:
        return berechtigungen.filtern(self.benutzer, self.model, self.aktion,
                                      super().get_count_query())

    def get_one(self, id: Any) -> Any:
        """The record if it is in the user's scope; otherwise 404 (also for a malformed id)."""
        schluessel = kennung_lesen(id)
        if schluessel is None:
            abort(404)
        gefunden = self.get_query().filter(self.model.id == schluessel).one_or_none()
        if gefunden is None:
            abort(404)
        return gefunden

    def ausgewaehlt(self, ids: Any) -> list[Any]:
        """The records a bulk action was asked for, within the user's scope.

        Ids arrive as strings; they are parsed here because PostgreSQL refuses to compare an
        integer key with text (Flask-Admin's `get_query_for_ids` passes them on as they are).
        """
        schluessel = [k for i in ids if (k := kennung_lesen(i)) is not None]
        return self.get_query().filter(self.model.id.in_(schluessel)).all()

    @expose("/export/<export_type>/")
    def export(self, export_type: str) -> Any:
        """The list as filtered and sorted on screen, through WRM's one export writer (the same
        cells, escaping and local times as the Downloads), instead of Flask-Admin's own CSV."""
        if not self.can_export or export_type not in self.export_types:
            abort(404)
        _, datensaetze = self._export_data()
        spalten = [(name, str(titel)) for name, titel in self.get_export_columns()]
        tabelle = exporte.listentabelle(
            f"{self.name} – {self.benutzer.landkreis.name}",  # type: ignore[union-attr]
            spalten, ({name: self.get_export_value(satz, name) for name, _ in spalten}
                      for satz in datensaetze))
        return herunterladen(tabelle, self.endpoint, export_type)

    @expose("/ajax/update/", methods=("POST",))
    def ajax_update(self) -> Any:
        """Inline list editing: only where the view offers it (Flask-Admin ignores `can_edit`)."""
        if not self.can_edit or not self.column_editable_list:
            abort(404)
        return super().ajax_update()
