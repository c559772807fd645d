import pytest

from phonegen.numbering.brands import brand_for_carrier, known_brands


class BrandForCarrierTests:
    @pytest.mark.parametrize(
        ("carrier", "brand"),
        [
            ("CELLCO PARTNERSHIP DBA VERIZON WIRELESS - NY", "Verizon"),
            ("CELLCO PARTNERSHIP DBA VERIZON", "Verizon"),
            ("Verizon Wireless", "Verizon"),
            ("VERIZON NEW YORK, INC.", "Verizon"),
            ("MCIMETRO ACCESS TRANSMISSION S", "Verizon"),
            ("BELL ATLANTIC MOBILE, INC", "Verizon"),
            ("NEW CINGULAR WIRELESS PCS, LLC - GA", "AT&T"),
            ("AT&T Mobility", "AT&T"),
            ("AT&T CORP.", "AT&T"),
            ("SOUTHWESTERN BELL", "AT&T"),
            ("T-MOBILE USA, INC.", "T-Mobile"),
            ("OMNIPOINT COMMUNICATIONS, INC.", "T-Mobile"),
            ("METROPCS, INC.", "T-Mobile"),
            ("SPRINT SPECTRUM, L.P.", "T-Mobile"),
            ("AERIAL COMMUNICATIONS, INC.", "T-Mobile"),
            ("LEVEL 3 COMMUNICATIONS, LLC - ", "Lumen"),
            ("CENTURYLINK COMMUNICATIONS, LL", "Lumen"),
            ("QWEST CORPORATION", "Lumen"),
            ("TIME WARNER CBLE INFO SVC (TX)", "Charter"),
            ("PAETEC COMMUNICATIONS, INC. - ", "Windstream"),
            ("SOUTHERN NEW ENGLAND TELCO DBA", "Frontier"),
            ("ONVOY, LLC- NY", "Onvoy"),
            ("Bell Canada", "Bell Canada"),
        ],
    )
    def test_it_names_the_brand_of_a_known_carrier(self, carrier, brand):
        assert brand_for_carrier(carrier) == brand

    @pytest.mark.parametrize(
        ("carrier", "tidied"),
        [
            ("YMAX COMMUNICATIONS CORP. - NJ", "YMAX COMMUNICATIONS CORP."),
            ("RCN TELECOM SERVICES, INC. - N", "RCN TELECOM SERVICES, INC."),
            ("EMPIRE ONE TELECOMMUNICATIONS,", "EMPIRE ONE TELECOMMUNICATIONS"),
            ("  FRACTEL,   LLC ", "FRACTEL, LLC"),
            ("TC SYSTEMS, INC.- NY", "TC SYSTEMS, INC."),
            ("Iristel Inc.", "Iristel Inc."),
        ],
    )
    def test_it_tidies_an_unknown_carrier(self, carrier, tidied):
        assert brand_for_carrier(carrier) == tidied

    def test_it_keeps_hyphens_inside_a_name(self):
        assert brand_for_carrier("X-TEL NETWORKS") == "X-TEL NETWORKS"

    def test_it_gives_no_brand_without_a_carrier(self):
        assert brand_for_carrier("") == ""
        assert brand_for_carrier(None) == ""

    def test_it_does_not_take_cincinnati_bell_for_att(self):
        assert brand_for_carrier("CINCINNATI BELL TEL CO") == "CINCINNATI BELL TEL CO"

    def test_it_lists_each_brand_once(self):
        brands = known_brands()

        assert len(brands) == len(set(brands))
        assert {"Verizon", "AT&T", "T-Mobile", "Lumen"} <= set(brands)
