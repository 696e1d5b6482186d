"""Organisations, their units, staff and the people (individuals) cases are about."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .durations import DurationCode, duration_row
from .fields import IdentityNumberField
from .identity_numbers import COORDINATION_DAY_OFFSET, age_on, parse_identity_number
from .switches import SwitchCode, switch_row


class Organisation(models.Model):
    """A huvudman: kommun, region, HVB provider, school or another authority."""

    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("Kommun")
        REGION = "region", _("Region")
        PROVIDER = "provider", _("HVB-anordnare")
        SCHOOL = "school", _("Skola")
        OTHER_AUTHORITY = "other_authority", _("Annan myndighet")

    class Ownership(models.TextChoices):
        PRIVATE = "private", _("Enskild (tillstånd från IVO)")
        MUNICIPAL = "municipal", _("Kommunal (anmäld till IVO)")

    name = models.CharField(_("namn"), max_length=200, unique=True)
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)
    code = models.CharField(
        _("kommun-/regionkod"), max_length=4, blank=True, help_text=_("T.ex. 2085 för Ludvika.")
    )
    organisation_number = models.CharField(_("organisationsnummer"), max_length=11, blank=True)
    region = models.ForeignKey(
        "self",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="municipalities",
        limit_choices_to={"kind": Kind.REGION},
        help_text=_("Den region kommunen ligger i."),
    )
    provider_ownership = models.CharField(
        _("driftsform"), max_length=10, choices=Ownership.choices, blank=True
    )
    ivo_permit_number = models.CharField(_("tillståndsnummer hos IVO"), max_length=50, blank=True)
    ivo_notified = models.BooleanField(_("anmäld till IVO"), default=False)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisationer")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="provider", provider_ownership__in=["private", "municipal"])
                | (~Q(kind="provider") & Q(provider_ownership="")),
                name="organisation_ownership_only_for_providers",
                violation_error_message=_("Driftsform anges för HVB-anordnare, och bara för dem."),
            ),
            models.CheckConstraint(
                condition=~Q(provider_ownership="private") | ~Q(ivo_permit_number=""),
                name="organisation_private_provider_has_ivo_permit",
                violation_error_message=_(
                    "En enskild HVB-anordnare måste ha ett tillståndsnummer från IVO."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(provider_ownership="municipal") | Q(ivo_notified=True),
                name="organisation_municipal_provider_notified_to_ivo",
                violation_error_message=_("Ett kommunalt HVB måste vara anmält till IVO."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """An enhet inside an organisation, e.g. "BUP Falun" or "Barn och familj, Ludvika"."""

    class Kind(models.TextChoices):
        SOCIAL_CHILDREN = "social_children", _("Socialtjänst, barn och familj")
        SOCIAL_ADULTS = "social_adults", _("Socialtjänst, vuxen/beroende")
        CHILD_PSYCHIATRY = "child_psychiatry", _("Barn- och ungdomspsykiatri (BUP)")
        PRIMARY_CARE = "primary_care", _("Primärvård")
        ADULT_PSYCHIATRY = "adult_psychiatry", _("Vuxenpsykiatri")
        DENTAL = "dental", _("Tandvård")
        HVB = "hvb", _("HVB")
        SCHOOL = "school", _("Skola")
        OTHER = "other", _("Övrig")

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="units"
    )
    name = models.CharField(_("namn"), max_length=200)
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)
    #: The unit above this one in the organisation's line (a verksamhet above its enheter):
    #: a chef of the parent sees this unit's cases and lists too (directory.selectors
    #: ``units_under``).
    parent = models.ForeignKey(
        "self",
        verbose_name=_("överordnad enhet"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text=_(
            "Enheten som denna enhet hör till. Chefen för den överordnade enheten ser också "
            "den här enhetens ärenden och listor."
        ),
    )
    email = models.EmailField(_("funktionsbrevlåda"), blank=True)
    mail_to_mailbox = models.BooleanField(
        _("e-post till funktionsbrevlådan"),
        default=True,
        help_text=_("Händelser till enheten skickas till funktionsbrevlådan."),
    )
    mail_to_members = models.BooleanField(
        _("e-post till medarbetarna"),
        default=False,
        help_text=_("Händelser till enheten skickas också till varje medarbetare."),
    )

    class Meta:
        verbose_name = _("enhet")
        verbose_name_plural = _("enheter")
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"],
                name="unit_name_unique_in_organisation",
                violation_error_message=_("Organisationen har redan en enhet med det namnet."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.parent_id is None:
            return
        if self.organisation_id and self.parent.organisation_id != self.organisation_id:
            raise ValidationError(
                {"parent": _("Den överordnade enheten måste höra till samma organisation.")}
            )
        if self.pk is not None:
            from .selectors import units_under

            if units_under(units=[self.pk]).filter(pk=self.parent_id).exists():
                raise ValidationError(
                    {
                        "parent": _(
                            "En enhet kan inte ligga under sig själv eller under en av sina "
                            "underenheter."
                        )
                    }
                )


class User(AbstractUser):
    """A member of staff. What they may do follows from their memberships in units."""

    class Meta:
        verbose_name = _("användare")
        verbose_name_plural = _("användare")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class DurationOverride(models.Model):
    """An organisation's own value for a duration the sources leave to it (the answer-by
    time, the reminder hour, the follow-up proposal, a shorter default consent validity),
    in force from ``effective_from`` until its next override. The table's rows that are law
    or the regional agreement cannot be overridden (``directory.durations``)."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="duration_overrides",
    )
    code = models.CharField(_("tid"), max_length=50, choices=DurationCode.choices)
    value = models.PositiveIntegerField(_("värde"))
    effective_from = models.DateField(_("gäller från"))

    class Meta:
        verbose_name = _("organisationens egen tid")
        verbose_name_plural = _("organisationernas egna tider")
        ordering = ["organisation__name", "code", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code", "effective_from"],
                name="duration_override_unique_from",
                violation_error_message=_(
                    "Organisationen har redan ett eget värde för den tiden från det datumet."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.get_code_display()} = {self.value}"

    def clean(self) -> None:
        """Only a row the sources leave to the organisation, within its bounds, on a date
        the row is in force."""
        super().clean()
        if not self.code or self.effective_from is None or self.value is None:
            return
        try:
            row = duration_row(code=self.code, on=self.effective_from)
        except LookupError:
            raise ValidationError(
                {
                    "effective_from": ValidationError(
                        _("Den tiden gäller inte det datumet."), code="not_in_force"
                    )
                }
            ) from None
        if not row.overridable:
            raise ValidationError(
                {
                    "code": ValidationError(
                        _(
                            "%(duration)s bestäms av %(source)s och kan inte ändras av "
                            "organisationen."
                        )
                        % {"duration": self.get_code_display(), "source": row.source},
                        code="not_overridable",
                    )
                }
            )
        if not row.within_bounds(self.value):
            raise ValidationError(
                {
                    "value": ValidationError(
                        _("Värdet ska ligga mellan %(minimum)s och %(maximum)s %(unit)s.")
                        % {
                            "minimum": row.minimum,
                            "maximum": row.maximum,
                            "unit": row.unit_label,
                        },
                        code="out_of_bounds",
                    )
                }
            )


class RuleSwitch(models.Model):
    """An organisation's choice to follow a proposal (directory.switches) from
    ``effective_from``, or to stop following it (``enabled`` off), until its next row. With no
    row a proposal is off: proposals are not law."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="rule_switches",
    )
    code = models.CharField(_("förslag"), max_length=50, choices=SwitchCode.choices)
    enabled = models.BooleanField(
        _("följs"),
        default=True,
        help_text=_("Kryssa ur för att sluta följa förslaget från datumet."),
    )
    effective_from = models.DateField(_("gäller från"))

    class Meta:
        verbose_name = _("förslag som organisationen följer")
        verbose_name_plural = _("förslag som organisationerna följer")
        ordering = ["organisation__name", "code", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code", "effective_from"],
                name="rule_switch_unique_from",
                violation_error_message=_(
                    "Organisationen har redan valt för det förslaget från det datumet."
                ),
            )
        ]

    def __str__(self) -> str:
        state = _("följs") if self.enabled else _("följs inte")
        return f"{self.organisation}: {self.get_code_display()} ({state})"

    @property
    def source(self) -> str:
        """The proposal's source as a user reads it (the inquiry, never a seed file)."""
        return str(switch_row(code=self.code).source) if self.code else ""

    def clean(self) -> None:
        """Not before the proposal was made."""
        super().clean()
        if not self.code or self.effective_from is None:
            return
        switch = switch_row(code=self.code)
        if self.effective_from < switch.available_from:
            raise ValidationError(
                {
                    "effective_from": ValidationError(
                        _("%(proposal)s kan följas från %(date)s (%(source)s).")
                        % {
                            "proposal": switch.label,
                            "date": switch.available_from.isoformat(),
                            "source": switch.source,
                        },
                        code="before_proposal",
                    )
                }
            )


class Membership(models.Model):
    """A user's role in one unit. A user can hold several roles in several units."""

    class Role(models.TextChoices):
        SOCIAL_WORKER = "social_worker", _("Socialsekreterare")
        HEALTH_STAFF = "health_staff", _("Vårdpersonal")
        MANAGER = "manager", _("Chef")
        HVB_STAFF = "hvb_staff", _("HVB-personal")
        ADMIN = "admin", _("Administratör")

    user = models.ForeignKey(
        User, verbose_name=_("användare"), on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("enhet"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("roll"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("medlemskap")
        verbose_name_plural = _("medlemskap")
        ordering = ["unit__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit", "role"],
                name="membership_unique_role_in_unit",
                violation_error_message=_("Användaren har redan den rollen i enheten."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}, {self.unit}"


class Person(models.Model):
    """The individual a SIP or placement is about (den enskilde)."""

    class LegalSex(models.TextChoices):
        FEMALE = "female", _("Kvinna")
        MALE = "male", _("Man")
        OTHER_OR_UNKNOWN = "other_unknown", _("Annat/okänt")

    first_name = models.CharField(_("förnamn"), max_length=100)
    last_name = models.CharField(_("efternamn"), max_length=100)
    personal_identity_number = IdentityNumberField(
        _("personnummer/samordningsnummer"),
        unique=True,
        error_messages={"unique": _("Det finns redan en person med det här numret.")},
    )
    date_of_birth = models.DateField(_("födelsedatum"), editable=False)
    legal_sex = models.CharField(
        _("juridiskt kön"),
        max_length=20,
        choices=LegalSex.choices,
        help_text=_("Används för statistik uppdelad på kön."),
    )
    registered_municipality = models.ForeignKey(
        Organisation,
        verbose_name=_("folkbokföringskommun"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registered_residents",
        limit_choices_to={"kind": Organisation.Kind.MUNICIPALITY},
    )
    street_address = models.CharField(_("gatuadress"), max_length=200, blank=True)
    postal_code = models.CharField(_("postnummer"), max_length=6, blank=True)
    city = models.CharField(_("postort"), max_length=100, blank=True)
    protected_identity = models.BooleanField(
        _("skyddade personuppgifter"),
        default=False,
        help_text=_("Adressen visas aldrig för personer med skyddade personuppgifter."),
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("personer")
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def clean(self) -> None:
        super().clean()
        if self.personal_identity_number:
            try:
                number = parse_identity_number(
                    self.personal_identity_number, today=timezone.localdate()
                )
            except ValidationError:
                pass  # already reported by the field's own validation
            else:
                self.date_of_birth = number.birth_date
        if self.registered_municipality_id and (
            self.registered_municipality.kind != Organisation.Kind.MUNICIPALITY
        ):
            raise ValidationError(
                {"registered_municipality": _("Folkbokföringskommunen måste vara en kommun.")}
            )

    @property
    def is_coordination_number(self) -> bool:
        return int(self.personal_identity_number[6:8]) > COORDINATION_DAY_OFFSET

    @property
    def identity_number_display(self) -> str:
        return f"{self.personal_identity_number[:8]}-{self.personal_identity_number[8:]}"

    def age_on(self, on: dt.date) -> int:
        return age_on(self.date_of_birth, on)


class Guardianship(models.Model):
    """Vårdnad: a guardian (vårdnadshavare) of a child under 18. At most two per child."""

    child = models.ForeignKey(
        Person, verbose_name=_("barn"), on_delete=models.CASCADE, related_name="guardianships"
    )
    guardian = models.ForeignKey(
        Person,
        verbose_name=_("vårdnadshavare"),
        on_delete=models.PROTECT,
        related_name="guardian_of",
    )
    # Slot 1 or 2: with (child, slot) unique the database itself refuses a third guardian.
    slot = models.PositiveSmallIntegerField(editable=False)

    class Meta:
        verbose_name = _("vårdnadshavare")
        verbose_name_plural = _("vårdnadshavare")
        ordering = ["child", "slot"]
        constraints = [
            models.CheckConstraint(
                condition=Q(slot__in=[1, 2]), name="guardianship_at_most_two_slots"
            ),
            models.UniqueConstraint(fields=["child", "slot"], name="guardianship_unique_slot"),
            models.UniqueConstraint(
                fields=["child", "guardian"],
                name="guardianship_unique_pair",
                violation_error_message=_("Personen är redan vårdnadshavare för barnet."),
            ),
            models.CheckConstraint(
                condition=~Q(child=F("guardian")),
                name="guardianship_not_own_guardian",
                violation_error_message=_("Ett barn kan inte vara sin egen vårdnadshavare."),
            ),
        ]

    def __str__(self) -> str:
        return _("%(guardian)s, vårdnadshavare för %(child)s") % {
            "guardian": self.guardian,
            "child": self.child,
        }


class Relative(models.Model):
    """Närstående linked to a person. They take part only with the person's consent."""

    class Relation(models.TextChoices):
        PARENT = "parent", _("Förälder")
        SIBLING = "sibling", _("Syskon")
        PARTNER = "partner", _("Partner")
        CHILD = "child", _("Barn")
        GRANDPARENT = "grandparent", _("Mor-/farförälder")
        OTHER = "other", _("Annan närstående")

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="relatives"
    )
    relative = models.ForeignKey(
        Person, verbose_name=_("närstående"), on_delete=models.PROTECT, related_name="relative_of"
    )
    relation = models.CharField(_("relation"), max_length=20, choices=Relation.choices)

    class Meta:
        verbose_name = _("närstående")
        verbose_name_plural = _("närstående")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "relative"],
                name="relative_unique_pair",
                violation_error_message=_("Personen är redan kopplad som närstående."),
            ),
            models.CheckConstraint(
                condition=~Q(person=F("relative")),
                name="relative_not_self",
                violation_error_message=_("En person kan inte vara sin egen närstående."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.relative} ({self.get_relation_display()})"
