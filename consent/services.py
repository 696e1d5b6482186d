"""Writes for consents. Each is atomic and authorises itself."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.models import Organisation, Person, Unit, User
from directory.selectors import person_guardians

from .models import Consent, InformationCategory


def one_year_after(day: dt.date) -> dt.date:
    """The same date a year later (28 February for 29 February)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


@transaction.atomic
def consent_register(
    *,
    subject: Person,
    given_by: Person,
    purpose: str,
    form: str,
    documented_by: User,
    categories: Iterable[InformationCategory],
    units: Iterable[Unit] = (),
    organisations: Iterable[Organisation] = (),
    excluded_units: Iterable[Unit] = (),
    excluded_categories: Iterable[InformationCategory] = (),
    excluded_persons: str = "",
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
    at: dt.datetime | None = None,
) -> Consent:
    """Register one person's consent. At most a year; a year by default."""
    at = at or timezone.now()
    valid_from = valid_from or timezone.localdate(at)
    valid_until = valid_until or one_year_after(valid_from)
    if valid_until < valid_from:
        raise ValidationError(
            {"valid_until": _("Slutdatumet kan inte ligga före startdatumet.")}, code="order"
        )
    if valid_until > one_year_after(valid_from):
        raise ValidationError(
            {
                "valid_until": _("Ett samtycke gäller högst ett år, till och med %(last)s.")
                % {"last": one_year_after(valid_from).isoformat()}
            },
            code="too_long",
        )
    guardians = person_guardians(person=subject, on=valid_from)
    if given_by.pk != subject.pk and given_by not in guardians:
        raise ValidationError(
            _("%(giver)s är varken personen själv eller vårdnadshavare för %(subject)s.")
            % {"giver": given_by, "subject": subject},
            code="not_entitled",
        )
    categories = list(categories)
    units, organisations = list(units), list(organisations)
    if not categories:
        raise ValidationError(
            {"categories": _("Ange vilken information samtycket omfattar.")}, code="no_scope"
        )
    if not units and not organisations:
        raise ValidationError(
            {"units": _("Ange vilka enheter eller organisationer samtycket omfattar.")},
            code="no_scope",
        )
    consent = Consent(
        subject=subject,
        given_by=given_by,
        purpose=purpose,
        form=form,
        documented_by=documented_by,
        documented_at=at,
        valid_from=valid_from,
        valid_until=valid_until,
        excluded_persons=excluded_persons,
    )
    consent.full_clean(exclude=["status"])
    consent.save()
    consent.categories.set(categories)
    consent.units.set(units)
    consent.organisations.set(organisations)
    consent.excluded_units.set(excluded_units)
    consent.excluded_categories.set(excluded_categories)
    return consent


@transaction.atomic
def consent_withdraw(
    *,
    consent: Consent,
    withdrawn_by: Person,
    form: str,
    documented_by: User,
    at: dt.datetime | None = None,
) -> Consent:
    """Återkallelse: takes effect at once. Only the one who gave the consent withdraws it."""
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if withdrawn_by.pk != consent.given_by_id:
        raise ValidationError(
            _("Bara %(giver)s, som lämnade samtycket, kan återkalla det.")
            % {"giver": consent.given_by},
            code="not_giver",
        )
    if consent.status != Consent.Status.ACTIVE:
        raise ValidationError(
            _("Samtycket är redan %(status)s.") % {"status": consent.get_status_display().lower()},
            code="not_active",
        )
    consent.withdraw()
    consent.withdrawn_at = at or timezone.now()
    consent.withdrawal_form = form
    consent.withdrawal_documented_by = documented_by
    consent.save()
    return consent
