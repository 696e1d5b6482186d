"""Writes for organisations, people and their relations. Each call is atomic."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Guardianship, Organisation, Person, Relative
from .rules import AGE_OF_MAJORITY
from .signals import birth_date_changed, guardians_changed


@transaction.atomic
def person_create(
    *,
    first_name: str,
    last_name: str,
    personal_identity_number: str,
    legal_sex: str,
    registered_municipality: Organisation | None = None,
    street_address: str = "",
    postal_code: str = "",
    city: str = "",
    protected_identity: bool = False,
) -> Person:
    """Register a person. The number is validated and stored in canonical form."""
    person = Person(
        first_name=first_name,
        last_name=last_name,
        personal_identity_number=personal_identity_number,
        legal_sex=legal_sex,
        registered_municipality=registered_municipality,
        street_address=street_address,
        postal_code=postal_code,
        city=city,
        protected_identity=protected_identity,
    )
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def person_update(*, person: Person) -> Person:
    """Save a correction of a registered person (the admin's form), validated. A personnummer
    with another date of birth changes who must consent for the person: what rests on the
    consents (the cases' access grants) is re-derived in the same commit
    (``birth_date_changed``)."""
    before = (
        Person.objects.select_for_update()
        .filter(pk=person.pk)
        .values_list("date_of_birth", flat=True)
        .get()
    )
    person.full_clean()
    person.save()
    if person.date_of_birth != before:
        birth_date_changed.send(sender=Person, person=person, at=timezone.now())
    return person


def guardianship_validate(*, child: Person, guardian: Person, on: dt.date) -> None:
    """Raise ``ValidationError`` if ``guardian`` cannot be added as guardian of ``child``."""
    if child.pk is not None and child.pk == guardian.pk:
        raise ValidationError(_("Ett barn kan inte vara sin egen vårdnadshavare."), code="self")
    if child.age_on(on) >= AGE_OF_MAJORITY:
        raise ValidationError(
            _("%(child)s är myndig och har inga vårdnadshavare.") % {"child": child},
            code="child_of_age",
        )
    if guardian.age_on(on) < AGE_OF_MAJORITY:
        raise ValidationError(
            _("%(guardian)s är under 18 år och kan inte vara vårdnadshavare.")
            % {"guardian": guardian},
            code="guardian_under_age",
        )
    existing = Guardianship.objects.filter(child=child)
    if existing.filter(guardian=guardian).exists():
        raise ValidationError(
            _("%(guardian)s är redan vårdnadshavare för %(child)s.")
            % {"guardian": guardian, "child": child},
            code="duplicate",
        )
    if existing.count() >= 2:
        raise ValidationError(
            _("%(child)s har redan två vårdnadshavare. Ett barn kan ha högst två.")
            % {"child": child},
            code="too_many",
        )


@transaction.atomic
def guardianship_create(
    *, child: Person, guardian: Person, on: dt.date | None = None
) -> Guardianship:
    """Record that ``guardian`` is vårdnadshavare for ``child``.

    The child's row is locked so that two concurrent additions cannot both pass the
    two-guardian check; the (child, slot) constraint is the last line of defence.
    """
    on = on or timezone.localdate()
    child = Person.objects.select_for_update().get(pk=child.pk)
    guardianship_validate(child=child, guardian=guardian, on=on)
    taken = set(Guardianship.objects.filter(child=child).values_list("slot", flat=True))
    slot = min({1, 2} - taken)
    created = Guardianship.objects.create(child=child, guardian=guardian, slot=slot)
    guardians_changed.send(sender=Guardianship, child=child, at=timezone.now())
    return created


@transaction.atomic
def guardianship_end(*, guardianship: Guardianship) -> None:
    """Remove a guardian (e.g. after a court decision on custody)."""
    Guardianship.objects.filter(pk=guardianship.pk).delete()
    guardians_changed.send(sender=Guardianship, child=guardianship.child, at=timezone.now())


@transaction.atomic
def relative_link(*, person: Person, relative: Person, relation: str) -> Relative:
    """Link a närstående to a person."""
    link = Relative(person=person, relative=relative, relation=relation)
    link.full_clean()
    link.save()
    return link
