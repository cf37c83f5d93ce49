"""The query-count guard itself fails when it should, and shows the SQL."""

from __future__ import annotations

import pytest

from accounts.models import User
from tests.factories.accounts import UserFactory
from tests.perf.queries import assert_constant_queries

pytestmark = pytest.mark.django_db


def test_a_count_that_grows_with_the_data_fails_with_the_sql():
    users: list[User] = [UserFactory()]

    def one_query_per_user():
        return [User.objects.get(pk=user.pk) for user in users]

    with pytest.raises(AssertionError, match=r"1 queries grew to 3") as failure:
        assert_constant_queries(
            one_query_per_user, grow=lambda: users.extend(UserFactory.create_batch(2))
        )
    assert "-- after growing: 3 queries" in str(failure.value)
    assert 'FROM "accounts_user"' in str(failure.value)


def test_a_constant_count_over_the_limit_fails():
    with pytest.raises(AssertionError, match=r"2 queries, more than 1"):
        assert_constant_queries(
            lambda: (User.objects.count(), User.objects.exists()), grow=UserFactory, limit=1
        )
    assert assert_constant_queries(User.objects.count, grow=UserFactory, limit=1) == 1


def test_warm_up_runs_leave_caches_that_fill_slowly_out_of_the_count():
    calls = [0]

    def fills_its_cache_over_three_calls():
        calls[0] += 1
        if calls[0] <= 3:  # e.g. the site, the menu and the session, one request each
            User.objects.exists()
        return User.objects.count()

    with pytest.raises(AssertionError, match=r"2 queries grew to 1"):
        assert_constant_queries(fills_its_cache_over_three_calls, grow=UserFactory)
    calls[0] = 0
    assert (
        assert_constant_queries(fills_its_cache_over_three_calls, grow=UserFactory, warm_up=3) == 1
    )


def test_no_warm_up_counts_the_first_cold_run():
    calls = [0]

    def caches_after_the_first_call():
        calls[0] += 1
        if calls[0] == 1:
            User.objects.exists()
        return User.objects.count()

    with pytest.raises(AssertionError, match=r"2 queries grew to 1"):
        assert_constant_queries(caches_after_the_first_call, grow=UserFactory, warm_up=0)
