from eligibility.member_set import member_set_findings, organisation_key


def test_names_differing_only_in_case_and_spaces_are_one_organisation():
    assert organisation_key("  Cluster   Textil\tNord ") == organisation_key("cluster textil nord")


def test_a_repeated_organisation_points_at_its_first_member():
    findings = member_set_findings([
        ("Alpha", True), ("Beta", False), ("ALPHA ", False), (None, False), ("beta", True),
    ])
    assert findings.repeats == {2: 0, 4: 1}
    assert findings.coordinators == (0, 4)


def test_blank_names_are_never_repeats():
    assert member_set_findings([("", False), ("  ", False), (None, False)]).repeats == {}
