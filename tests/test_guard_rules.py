"""The confidentiality guard's rules, one behaviour each (the corpora measure them in bulk).

Each case here is a family the independent corpus showed the old guard missed or wrongly
blocked; each test fails if its rule is taken out.
"""

from __future__ import annotations

import pytest

from postdesk.checks.confidentiality import Field, scan_fields, scan_text
from postdesk.config import ConfidentialityPolicy

POLICY = ConfidentialityPolicy()


def rules(text: str, **kwargs) -> list[str]:
    return sorted({h.rule.split(".", 1)[1] for h in scan_text(text, policy=POLICY, **kwargs)
                   if h.severity == "error"})


def post(*fields: tuple[str, str], venue: str = "") -> list[tuple[str, str, str]]:
    """(field name, rule, quoted text) for every error in a post made of (field name, text) pairs."""
    built = [Field(name, text, derived=name in ("the hashtags", "the file name"), location=name == "the event location")
             for name, text in fields]
    return [(built[i].name, h.rule.split(".", 1)[1], built[i].text[h.start:h.end])
            for i, h in scan_fields(built, policy=POLICY, venue=venue) if h.severity == "error"]


# --- evasion: what a word processor or a careful evader does to the words -------------------


@pytest.mark.parametrize("text", [
    "Jay\u200bden, 9, came into foster care in May.",        # zero-width space in the name
    "Jayden was adop\u2060ted on Friday.",                    # word joiner in the care word
    "Tyrese finished 8th grade while in fos\u00adter care.",  # soft hyphen
    "\u0410nya was adopted on Friday.",                       # Cyrillic capital A
    "Z\u03bfe was adopted on Friday.",                        # Greek omicron
    "K3ndr1ck aged out of care last spring.",                 # leetspeak
    "J a y l e e n was placed with relatives.",               # spaced out
    "Mack-\nenzie is going home after two years in foster care.",  # hyphenated across a line
])
def test_evasion_is_normalised_before_scanning(text):
    assert "child-identified" in rules(text)


def test_a_finding_quotes_the_words_as_written_hidden_characters_included():
    text = "Jay\u200bden, 9, came into foster care in May."
    hit = next(h for h in scan_text(text, policy=POLICY) if h.rule == "confidentiality.child-identified")
    assert text[hit.start:hit.end] == "Jay\u200bden"
    assert "'Jay\u200bden'" in hit.message


def test_bidi_controls_are_refused_with_their_own_finding():
    text = "We celebrate \u202eiramaK\u202c, adopted from foster care today."
    found = rules(text)
    assert "hidden-text" in found and "child-identified" in found  # the reversed name is read as displayed


@pytest.mark.parametrize("text", ["SSN 512\u201339\u20138842 on the form.", "Her number is 529\u201444\u20130917."])
def test_ssn_with_unicode_dashes(text):
    assert rules(text) == ["ssn"]


# --- identifiers in every shape -----------------------------------------------------------


@pytest.mark.parametrize("text", [
    "Hearing in 2316-JU00412 went well.", "The cause 24JE-JU00371 closed.", "See 22BA - JU00418 today.",
    "FCS case 2023-55419 is closed.", "The referral #88213045 was screened.", "Thanks for client 554102!",
    "El expediente núm. 2025-00341 se cerró.", "Referencia 22048811, por favor.", "JU00412 is on the docket.",
    "Case \uff12\uff10\uff12\uff14-\uff10\uff10\uff19\uff11\uff13 closed.",  # fullwidth digits
])
def test_case_referral_and_court_numbers(text):
    assert rules(text) == ["case-number"]


@pytest.mark.parametrize("text", ["Our annual report 2025 is out.", "In case 12 families call, we are ready.",
                                  "We have served Cole County since 2019."])
def test_a_year_or_a_small_number_after_a_label_is_not_an_identifier(text):
    assert rules(text) == []


@pytest.mark.parametrize("text", [
    "She was born on the fourth of November, 2010.", "DOB: march 9th twenty-twenty",
    "Nuestro joven, nacido el 12 de agosto de 2007, consiguió empleo.",
    "nacido el veintidós de agosto de dos mil nueve",
])
def test_dates_of_birth_in_words(text):
    assert rules(text) == ["date-of-birth"]


def test_a_things_birthday_is_not_a_date_of_birth():
    assert rules("La idea de la feria nació el 6 de enero de 2019 en Sedalia.") == []


# --- event location and addresses ------------------------------------------------------------


@pytest.mark.parametrize("location", ["Casa de los Villanueva, 3308 S Kansas Ave, Springfield",
                                      "the Smith home, 12 Elm St, Rolla", "1712 Summit St, Kansas City, MO 64108"])
def test_a_home_as_the_event_location_is_refused(location):
    assert [rule for _field, rule, _words in post(("the post", "Join us."), ("the event location", location))] == \
        ["private-venue"]


def test_a_street_address_alone_as_the_event_location_is_refused():
    found = post(("the post", "Open house for foster families on Saturday."),
                 ("the event location", "2207 Quail Hollow Ln, Nixa"))
    assert ("the event location", "private-venue", "2207 Quail Hollow Ln") in found


@pytest.mark.parametrize("location", ["Boone County Courthouse, 705 E Walnut St, Columbia",
                                      "Marshfield Walmart, 1000 Spur Dr, Marshfield", "Capitol Plaza, Jefferson City",
                                      "Ronald McDonald House, 3450 Gillham Rd, Kansas City",
                                      "Josiah's Porch, 118 S Jefferson Ave, Lebanon"])
def test_a_named_public_venue_is_accepted(location):
    assert post(("the post", "Join us on Saturday."), ("the event location", location)) == []


def test_an_office_address_in_the_text_is_public_and_a_home_address_is_not():
    assert rules("Our Camden County office has moved to 3 Lake Ozark Blvd, Suite 300, Camdenton.") == []
    assert rules("Coats can be dropped at 1423 Maple Ave, where one of our foster families lives.") == \
        ["street-address"]


# --- is it a person? -------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "Foster parent info night in Eugene on Tuesday.",           # a town that is also a given name
    "Thank you to Grace Fellowship of Nixa for 200 backpacks for kids in foster care.",
    "Iglesia Vida Nueva blessed our foster families on Sunday.",
    "The Hartley Family Foundation donated $25,000 to our foster closet. Thank you Gene & Marla Hartley!",
    "Hope Starts At Home: become a foster parent this spring.",  # Title Case everyday words
    "Story time at the foster picnic: we read Charlotte's Web with 40 kids.",
    "Our offices close for Martin Luther King Jr. Day. To report abuse, call the hotline.",
    "Meet Lola, a certified therapy dog who visits children in foster care.",
    "Caseworkers Nguyen Thi Lan, Abdirahman Warsame and Brooke Ellison finished abuse investigation training.",
    "Congratulations to Kenji and Laura Sato of Lebanon, named Foster Parents of the Year!",
    "Dr. Esteban Ramos, pediatra de la Clínica Familiar, atiende a niños en cuidado de crianza.",
    "Contact Brenda Yates, Human Resources, to join our investigations team.",
])
def test_people_who_may_be_named_and_things_that_are_not_people(text):
    assert rules(text) == []


@pytest.mark.parametrize("text", [
    "Zion learned to swim this summer. He came into care in June.",  # a given name that is also a town
    "J.T., 17, moved into our transitional living apartment.",          # initials
    "Our little 'Peanut' came into care last week.",                    # quoted nickname
    "HAPPY GOTCHA DAY JAYDA!!! one year since you were placed with us",  # ALL CAPS
    "prayers for the Delgado kids after the hotline call last week",    # the X kids
    "Grandma Lupe Arriaga has cared for her grandchildren since they came into care.",  # kinship caregiver
    "El Sr. Efraín Lozoya recuperó la custodia de sus dos hijos.",      # a parent with an honorific
    "Thank you to the Okonkwo family, who welcomed two brothers, ages 4 and 7, as foster parents.",
    "Shout-out to shortstop Ximena, who joined the team after moving into her foster home.",
])
def test_children_and_families_served_are_found(text):
    assert rules(text) == ["child-identified"]


def test_the_whole_post_is_one_story():
    """A name in the hashtags, the care context in the text: together they identify the child."""
    found = post(("the title", "Touchdown!"), ("the post", "Not bad for a kid who has been in 4 placements!"),
                 ("the hashtags", "Go Jax Go"))
    assert ("the hashtags", "child-identified", "Jax") in found


def test_a_named_foster_family_is_fine_until_the_childrens_details_join_it():
    thanks = "Thank you to the Turner family, foster parents for 12 years, for their open door."
    assert rules(thanks) == []
    assert rules(thanks + " Last week they welcomed twins, age 2.") == ["child-identified"]


def test_hints_fit_the_case():
    unknown = next(h for h in scan_text("Tobias finally has a forever family!", policy=POLICY)
                   if h.rule == "confidentiality.child-identified")
    assert "allowed_names" in unknown.hint and "role" in unknown.hint
    child = next(h for h in scan_text("Jayden, 7, was adopted today.", policy=POLICY)
                 if h.rule == "confidentiality.child-identified")
    assert "'Jayden'" in child.message and "'was adopted'" in child.message
    for hit in scan_text("Jayden, 7, was adopted today at 12 Elm St, his home.", policy=POLICY):
        assert "court_approved" not in hit.hint and "event.location" not in hit.hint


# --- roles and care words the corpora did not name (written after tuning, as a check on it) --------

CLEAN = [
    'Parent partner Denise Holloway helps families through the foster care system.',
    'Our peer mentor, Jamal Whitfield, works with youth aging out of care.',
    'Case aide Rosa Delgado drives children to family visits every week.',
    'Family support worker Trinh Nguyen joined our foster care unit this month.',
    'Resource parent Angela Brooks has fostered for 10 years.',
    'Meet Lindsey Park, the new court liaison for the juvenile division.',
    'Kudos to Marcus Bell and the Boone County adoption team!',
    'Thank you Sheriff Dan Ortiz for the coat drive for kids in foster care.',
    'State Rep. Alicia Gomez toured the Greene County foster care office.',
    'Pastor Mike Hughes and the youth group at First Baptist donated 50 backpacks for foster kids.',
    'Brenda from Hy-Vee dropped off 40 turkeys for our foster families!',
    'Coach Darnell Price ran a free football clinic for youth in foster care.',
    'Officer Kim Lee spoke to foster parents about car seat safety.',
    'Licensing specialist Andrea Ruiz will answer questions about becoming a foster parent.',
    'Dr. Priya Shah, a pediatrician at Mercy, examines every child entering care within 72 hours.',
    'Our adoption unit, led by Carla Jennings, finalized 40 adoptions this year.',
    'Volunteers Tom and Sue Becker sorted clothes at the foster closet all Saturday.',
    'The Hernandez family donated a van to our foster care program.',
    'Join foster parent Renee Walsh for a Q&A about fostering teens.',
    'Thanks to Walmart manager Greg Foster for the donation!',
    'Sen. Maria Chappelle-Nadal spoke about kinship care legislation.',
    "Congratulations to Ashley Moore, Children's Service Worker of the Year!",
    'La trabajadora social Ana Ruiz explicó el proceso de adopción.',
    'Gracias al Sr. Luis Herrera por donar juguetes para niños en cuidado de crianza.',
    'Big Brothers Big Sisters of the Ozarks matched 20 mentors with youth in foster care.',
    "Children's Mercy Hospital opened a clinic for kids entering foster care.",
    'Ronald McDonald House hosted a dinner for foster families.',
    'Cardinals pitcher Adam Wainwright visited kids in foster care at the St. Louis office.',
    'Thank you, Chiefs! Patrick Mahomes signed footballs for our foster youth.',
    "Hope House and Mary's Place partner with us to support foster families.",
    'Camp Barnabas welcomed 30 children from foster care this summer.',
    'Author Kate DiCamillo read to children in foster care at the library.',
    'Our Faith-Based Liaison, Rev. Dr. Samuel Okoye, leads the church partnership for foster recruitment.',
    "Mrs. Johnson's third-grade class at Lee's Summit Elementary made cards for kids in foster care.",
    'Jefferson City Mayor Carrie Tergin proclaimed May Foster Care Month.',
    'Justice for Kids: Judge Anne Clark hears adoption cases every Friday.',
    'Angel Tree tags are up at Christ Church! Every tag is a child in foster care.',
    'Grace and Peace Church hosted a foster parent training on Saturday.',
    'The Missouri Foster Care & Adoption Association honored Linda Baker and Tom Reyes for 20 years of service.',
    'Ms. Rivera, a teacher at Parkview High, collected prom dresses for teens in foster care.',
    'Meet Kona, our new facility dog who comforts kids during forensic interviews.',
    'Cpl. Jason Miller of the Highway Patrol joined our child abuse prevention walk.',
    'Sweet Pea Boutique donated 100 outfits to the foster closet.',
    'Lincoln University students volunteered at the Jefferson City foster closet.',
]
IDENTIFYING = [
    'Big congratulations to Marcus on finishing his GED while in foster care!',
    'Sophia, 6, is looking for a forever family.',
    "Devon's adoption was finalized today!",
    'We are so proud of Aaliyah, who aged out of care last spring and started college.',
    'Baby Jace came into care at two days old and now he is walking!',
    'Kaylee and her brother Mason were placed with their aunt in Rolla.',
    'The Martinez children are back home with their mom after 18 months in care.',
    'Happy 10th birthday to Brayden from all of us at the Cass County office! #FosterCare',
    "Liam's CASA volunteer says he is thriving in his new placement.",
    'After the hotline report, Jenna was placed with her grandmother.',
    'Mateo cumplió 12 años en su hogar de crianza.',
    'Welcome home, Ellie! #AdoptionDay',
    'Maya, 16, testified at the capitol about growing up in foster care.',
    'Please pray for little Noah who was removed from his home last night.',
    "Congrats to Trevon on graduating! He's been with his foster family since 2019.",
    'Our youth Kiara aged out this spring and just got her first apartment!',
    'Thanks to the Thompsons for taking in three siblings ages 2, 5 and 9 last week.',
    "Isaiah's mom completed her case plan and he went home today!",
    'A & J, 8 and 10, are waiting to be adopted together.',
    'Riley started kindergarten this week from her kinship home in Nixa.',
    'Update: Carmen (14) moved from residential treatment to a foster home.',
    'so proud of my kiddo ty, 3 yrs in care and finally adopted!!',
]


@pytest.mark.parametrize("text", CLEAN)
def test_adults_partners_and_groups_in_care_are_not_errors(text):
    assert rules(text) == []


@pytest.mark.parametrize("text", IDENTIFYING)
def test_children_and_families_in_new_phrasings_are_errors(text):
    assert "child-identified" in rules(text)


# --- identifiers in shapes the corpora did not show (written after tuning, as a check on it) ---------

IDENTIFIER_SHAPES = [
    ('ssn', 'SSN 512 39 8842'),
    ('ssn', 'ss# 512-39-8842'),
    ('ssn', 'Soc Sec No. 512398842'),
    ('ssn', 'social: 512.39.8842'),
    ('ssn', 'SSN: 512/39/8842'),
    ('ssn', 'número de seguro social 512-39-8842'),
    ('ssn', 'his social is 512-39-8842'),
    ('ssn', 'SSN ending in 8842'),
    ('ssn', 'SSN xxx-xx-8842'),
    ('ssn', '512 - 39 - 8842 is the number on the card'),
    ('date-of-birth', 'b. 3/14/15'),
    ('date-of-birth', 'born 3-14-2015'),
    ('date-of-birth', 'DOB 3.14.15'),
    ('date-of-birth', 'date of birth 14 March 2015'),
    ('date-of-birth', 'd/o/b 03/14/2015'),
    ('date-of-birth', 'birthdate: 2015-03-14'),
    ('date-of-birth', 'bday 3/14/15'),
    ('date-of-birth', 'b-day march 14th'),
    ('date-of-birth', 'fecha de nac. 14/03/2015'),
    ('date-of-birth', 'nacida el 14 de marzo de 2015'),
    ('date-of-birth', 'born March 14th, 2015'),
    ('date-of-birth', 'Born: 03-14-2015'),
    ('date-of-birth', 'DOB March fourteenth two thousand fifteen'),
    ('date-of-birth', 'born on 14/03/2015'),
    ('date-of-birth', 'nació el catorce de marzo de 2015'),
    ('date-of-birth', 'her birthday is March 14'),
    ('date-of-birth', 'D.O.B: 3/14/2015'),
    ('date-of-birth', 'DOB-03/14/2015'),
    ('date-of-birth', 'birth date 3/14/2015'),
    ('date-of-birth', 'was born 14 Mar 2015'),
]
NOT_IDENTIFIERS = [
    'Born and raised in Rolla, she joined us in 1998.',
    'The program was born on March 3, 2015.',
    'Our office opened on March 14, 2015.',
    'Call 573-751-4815 for info.',
    'Room 512-39 is on the left.',
    'Happy birthday to our agency! Founded March 14, 1974.',
    'EIN 43-1234567',
    'Grant no. 2101MOFOST',
]


@pytest.mark.parametrize(("rule", "text"), IDENTIFIER_SHAPES)
def test_identifier_shapes(rule, text):
    assert rule in rules(text)


@pytest.mark.parametrize("text", NOT_IDENTIFIERS)
def test_numbers_and_dates_that_identify_no_one(text):
    assert rules(text) == []


# --- roles said in the many ways staff and partners are named ----------------------------------

@pytest.mark.parametrize("text", [
    "Big thanks to our IT team - Raj Venkataraman, Cody Birdsong and Ximena Quispe - who moved the hotline "
    "to the new platform.",
    "New hires this month: Jolene Two Hawks (Adoption, Poplar Bluff) and Dmitri Okafor (Legal, St. Louis). "
    "Welcome to the foster care family!",
    'After 38 years, Mildred "Millie" Vaughn-Tabor is retiring. Millie, the hotline will miss you.',
    "Congratulations to Ngọc Anh Phạm, who earned her Master of Social Work from the University of "
    "Missouri-St. Louis while carrying a full caseload in foster care. We are lucky to have you, Anh.",
    "After 30 years as a Children's Division investigator, Dwayne Pettis is hanging up his keys. "
    "Dwayne answered hotline reports at 2 a.m. for decades.",
    "Adoption Specialist of the Year: Rosa Delgado-Byrne (Morgan County).",
    "Please welcome Tamika Rowe, who has been promoted to Circuit Manager. Tamika started in foster care.",
])
def test_staff_named_in_lists_parentheses_and_careers_are_adults(text):
    assert rules(text) == []


@pytest.mark.parametrize("text", [
    "¡Hoy se finalizó la adopción de Milagros en el juzgado!",
    "La tutora ad litem acompañó a los hermanos Quispe en cada audiencia.",
    "Our investigator met Officer Cole at the Kowalczyk home after the hotline report.",
    "We're cheering for Mackenzie today! After two years in out-of-home care she is going home to her mom.",
    "Kaden just picked up his first paycheck! He is 17 and lives with his grandmother.",
])
def test_children_and_families_in_spanish_in_homes_and_through_pronouns(text):
    assert rules(text) == ["child-identified"]


def test_a_missouri_town_that_is_also_a_name_is_the_town_where_a_place_is_expected():
    assert rules("Foster parent training in Mackenzie on Tuesday.") == []
    assert rules("Foster parent info night in Joplin. Bring a friend!") == []
