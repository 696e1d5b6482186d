"""Access as data: the placing unit always sees its placement, the HVB unit only once it is
decided (not in full), everyone else never."""

from __future__ import annotations

import pytest
from django.utils import timezone

from cases.models import AccessGrant
from consent.models import Consent
from consent.services import consent_withdraw
from directory.access import persons_visible_to, unit_case_persons
from directory.models import Guardianship
from directory.services import guardianship_create, guardianship_end
from placement import services
from placement.grants import CASE_KIND
from placement.models import Placement
from placement.rules import LegalBasis
from placement.selectors import placements_for_user

pytestmark = pytest.mark.django_db


def seen_by(user) -> set[int]:
    return set(placements_for_user(user=user).values_list("pk", flat=True))


def test_the_hvb_sees_the_placement_only_once_decided(pworld):
    pworld.sol_consents()
    placement = pworld.open()
    assert seen_by(pworld.sara) == {placement.pk}
    assert seen_by(pworld.hugo) == set()
    pworld.propose(placement)
    assert seen_by(pworld.hugo) == set()
    pworld.decide(placement)
    assert seen_by(pworld.hugo) == {placement.pk}
    assert seen_by(pworld.sara) == {placement.pk}
    assert seen_by(pworld.carl) == {placement.pk}
    for other in (pworld.vera, pworld.sip.petra):
        assert seen_by(other) == set()
    hvb = AccessGrant.objects.get(case_kind=CASE_KIND, case_id=placement.pk, unit=pworld.hvb)
    assert (hvb.kind, hvb.full) == (AccessGrant.Kind.INVITED, False)
    assert hvb.valid_until is not None  # rests on the consent: the day before the 18th at most


def test_the_hvb_no_longer_sees_a_cancelled_placement(pworld):
    placement = pworld.decided_sol()
    services.placement_cancel(placement=placement, by=pworld.sara, reason="Ingen plats.")
    assert seen_by(pworld.hugo) == set()
    assert seen_by(pworld.sara) == {placement.pk}


def test_a_withdrawal_ends_the_hvbs_sol_grant(pworld):
    placement = pworld.decided_sol()
    consent = Consent.objects.get(subject=pworld.youth, given_by=pworld.youth)
    consent_withdraw(
        consent=consent,
        withdrawn_by=pworld.youth,
        form=Consent.Form.WRITTEN,
        documented_by=pworld.sara,
    )
    assert seen_by(pworld.hugo) == set()
    assert seen_by(pworld.sara) == {placement.pk}


def test_under_lvu_the_decision_gives_the_hvb_its_part(pworld):
    for holder in (*pworld.guardians, pworld.youth):
        pworld.view(holder)
    placement = pworld.open()
    pworld.propose(placement, legal_basis=LegalBasis.LVU_2)
    pworld.interim(placement)
    pworld.decide(placement)
    hvb = AccessGrant.objects.get(case_kind=CASE_KIND, case_id=placement.pk, unit=pworld.hvb)
    assert (hvb.full, hvb.purpose, hvb.valid_until) == (False, "", None)
    assert seen_by(pworld.hugo) == {placement.pk}


def test_persons_and_the_units_review_include_placements(pworld):
    placement = pworld.decided_sol()
    assert pworld.youth in unit_case_persons(unit=pworld.social)
    # Region staff do not see the youth through the placement.
    assert not persons_visible_to(user=pworld.vera).filter(pk=pworld.youth.pk).exists()
    assert Placement.objects.get(pk=placement.pk).phase == Placement.Phase.DECIDED
    assert placements_for_user(user=pworld.hugo, at=timezone.now()).get() == placement


def test_a_second_guardian_registered_ends_the_hvbs_sol_grant(pworld):
    """Under SoL both vårdnadshavare must consent. With one guardian her consent (and the
    youth's) is enough; when a second is registered, the HVB's grant ends in the same commit,
    and the placing unit still sees its placement."""
    mother, father = pworld.guardians
    guardianship_end(guardianship=Guardianship.objects.get(child=pworld.youth, guardian=father))
    for giver in (mother, pworld.youth):
        pworld.consent(giver)
    pworld.view(pworld.youth)
    placement = pworld.open()
    pworld.propose(placement)
    pworld.decide(placement)
    assert seen_by(pworld.hugo) == {placement.pk}

    guardianship_create(child=pworld.youth, guardian=father)
    assert seen_by(pworld.hugo) == set()
    assert seen_by(pworld.sara) == {placement.pk}
