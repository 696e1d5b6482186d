"""A user's roles are read once per user object: every menu of a page asks them."""

from __future__ import annotations

import pytest

from directory.models import Membership
from directory.selectors import user_roles, user_starts_cases, user_works_with_cases
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_a_pages_role_questions_cost_one_query(django_assert_num_queries):
    user = MembershipFactory(role=Membership.Role.MANAGER).user
    with django_assert_num_queries(1):
        answers = [
            user_works_with_cases(user=user),
            user_starts_cases(user=user),
            user_works_with_cases(user=user),
        ]
    assert answers == [True, False, True]


@pytest.mark.parametrize(
    ("role", "works", "starts"),
    [
        (Membership.Role.SOCIAL_WORKER, True, True),
        (Membership.Role.HEALTH_STAFF, True, True),
        (Membership.Role.MANAGER, True, False),
        (Membership.Role.HVB_STAFF, False, False),
        (Membership.Role.ADMIN, False, False),
    ],
)
def test_the_roles_answer_as_the_memberships_say(role, works, starts):
    user = MembershipFactory(role=role).user
    fresh = type(user).objects.get(pk=user.pk)
    assert user_roles(user=fresh) == {role}
    assert (user_works_with_cases(user=fresh), user_starts_cases(user=fresh)) == (works, starts)
