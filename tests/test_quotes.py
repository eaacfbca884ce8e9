"""Quote constructions, one per test, on sentences parsed by the statistical model."""

from __future__ import annotations

import pytest

from newsdesk.ingest import Document
from newsdesk.quotes import quote_segments


@pytest.fixture(scope="module")
def quotes(analyzer):
    def run(text: str):
        return analyzer.analyze_document(Document(text)).quotes

    return run


def one(found, cue: str):
    (quote,) = [q for q in found if q.cue and q.cue.text == cue]
    return quote


@pytest.mark.parametrize(
    ("text", "cue", "speaker", "content"),
    [
        (
            "The senator is calling for the successor to be named at once.",
            "calling for",
            "The senator",
            "the successor to be named at once",
        ),
        (
            "Zelensky said Russia should not be rewarded for the war.",
            "said",
            "Zelensky",
            "Russia should not be rewarded for the war",
        ),
        (
            "The talks will resume next week, the ministry said.",
            "said",
            "the ministry",
            "The talks will resume next week",
        ),
        (
            "Olena Marchuk told reporters that the convoy had reached Kherson.",
            "told",
            "Olena Marchuk",
            "that the convoy had reached Kherson",
        ),
        (
            "According to the United Nations, more than 10 million people have fled.",
            "According to",
            "United Nations",
            "more than 10 million people have fled",
        ),
        (
            "Kyiv accused Moscow of shelling a hospital in Kharkiv.",
            "accused",
            "Ukraine",
            "Moscow of shelling a hospital in Kharkiv",
        ),
        (  # "on" is a preposition, not YAML 1.1's boolean, in the cue lexicon
            "Senator Ana Ruiz called on the government to release the detainees.",
            "called on",
            "Ana Ruiz",
            "the government to release the detainees",
        ),
        (
            "The governor insisted on a full recount of the ballots.",
            "insisted on",
            "The governor",
            "a full recount of the ballots",
        ),
        (
            "Senator Ruiz called for compensation to be clawed back from the bank managers.",
            "called for",
            "Ruiz",
            "compensation to be clawed back from the bank managers",
        ),
        (
            "The mayor likened the new rules to a tax on the poor.",
            "likened",
            "The mayor",
            "the new rules to a tax on the poor",
        ),
        (
            "The opposition blamed the blackout on the new grid operator.",
            "blamed",
            "The opposition",
            "the blackout on the new grid operator",
        ),
    ],
)
def test_indirect_quotes(quotes, text, cue, speaker, content):
    quote = one(quotes(text), cue)
    assert quote.kind == "indirect"
    assert quote.speaker is not None and speaker in (quote.speaker.name, quote.speaker.mention.text)
    assert quote.content.text == content


def test_direct_quote_with_cue_and_addressee(quotes):
    text = "“We will take the territories by force,” Putin told India Today on Thursday."
    quote = one(quotes(text), "told")
    assert quote.kind == "direct"
    assert quote.content.text == "“We will take the territories by force,”"
    assert quote.speaker.name == "Vladimir Putin" or quote.speaker.mention.text == "Putin"
    assert quote.addressee is not None and quote.addressee.name == "India Today"


def test_a_quote_split_by_its_cue_is_one_quote(quotes):
    text = "“We will not,” the general said, “give up the city.”"
    found = quotes(text)
    assert len(found) == 1
    assert found[0].content.text == text.rstrip(".")
    assert found[0].kind == "direct"


def test_the_sentence_after_the_cue_continues_the_quote(quotes):
    text = (
        "“We are not leaving,” Olena Marchuk said on Friday. “This is our home.” “We will "
        "rebuild it.” The mayor left.\n\n“It is over,” one resident said. “Go,” Ivan Petrenko said."
    )
    found = quotes(text)
    by_speaker = {q.speaker.name: q for q in found if q.speaker}
    marchuk = by_speaker["Olena Marchuk"]
    assert marchuk.content.text == text[: text.index(" The mayor")]
    assert marchuk.kind == "direct"
    # a passage with a cue of its own stays its own quote
    assert by_speaker["Ivan Petrenko"].content.text == "“Go,”"
    assert not any("The mayor" in q.content.text for q in found)


def test_a_quoted_sentence_after_the_speakers_description_is_theirs(quotes):
    text = (
        "“We will rebuild,” said Harsh Pant, the vice president of studies at the Observer "
        "Research Foundation in New Delhi. “So it is necessary for India to stay engaged with "
        "Mauritius.” The talks ended.\n“Prices will rise,” the minister said.\n“Nobody knows "
        "what comes next for the island and its people.”"
    )
    found = quotes(text)
    pant = next(q for q in found if q.speaker and q.speaker.name == "Harsh Pant")
    assert pant.content.text.endswith("to stay engaged with Mauritius.”")
    # a new paragraph is not the speaker's next words
    assert not any(q.content.text.endswith("its people.”") and q.cue for q in found)


def test_a_short_reply_set_off_by_its_cue_is_a_quote(quotes):
    text = (
        'Reporters asked Howard Lutnick about a recession. "Absolutely not," he said. '
        '"There is going to be no recession." The group, known as "the Squad," disagreed.'
    )
    found = quotes(text)
    reply = one(found, "said")
    assert reply.content.text.startswith('"Absolutely not,"')
    assert reply.speaker.name == "Howard Lutnick"
    # a short name in quotes is no reply
    assert not any(q.content.text.startswith('"the Squad') for q in found)


def test_a_speakers_party_and_state_do_not_hide_the_cue(quotes):
    text = (
        '"He would be a great senator. Not good, great," Rep. Elijah E. Cummings (D-Md.) said '
        "in a phone interview."
    )
    quote = one(quotes(text), "said")
    assert quote.kind == "direct"
    assert quote.speaker.name == "Elijah E. Cummings"
    assert quote.content.text == '"He would be a great senator. Not good, great,"'


def test_two_quoted_sentences_before_the_cue(quotes):
    text = "“The roads are closed. Nobody can leave,” the mayor said on Sunday."
    quote = one(quotes(text), "said")
    assert quote.content.text == "“The roads are closed. Nobody can leave,”"


def test_an_object_verb_and_a_colon_open_a_quote(quotes):
    text = "Senator Claire McCaskill scolded him: “The scientific community is against you.”"
    (quote,) = quotes(text)
    assert quote.kind == "direct" and quote.cue.text == "scolded"
    assert quote.content.text == "“The scientific community is against you.”"
    assert quote.speaker.name == "Claire McCaskill"


def test_quote_after_a_colon_takes_that_speaker(quotes):
    text = "The spokesman said: “We have received no request from Kyiv for new talks.”"
    quote = one(quotes(text), "said")
    assert quote.kind == "direct"
    assert quote.content.text.startswith("“We have received")


def test_a_continued_paragraph_keeps_its_speaker(quotes):
    text = (
        "Amina Yusuf, the UN coordinator, said: “The convoys are only a start.\n"
        "“We need the crossings open every day, not once a month.”"
    )
    found = quotes(text)
    assert len(found) == 2
    assert found[1].speaker is not None and found[1].speaker.name == found[0].speaker.name
    assert found[1].cue is None


def test_words_inside_quotation_marks_are_not_new_attributions(quotes):
    text = "“I think the tariffs will come off,” Hassett said."
    found = quotes(text)
    assert [q.cue.text for q in found if q.cue] == ["said"]


def test_quoted_words_inside_reported_speech_make_a_mixed_quote(quotes):
    quote = one(quotes("Trump added that Ukraine had “pretty well” backed the plan."), "added")
    assert quote.kind == "mixed"
    assert quote.content.text == "that Ukraine had “pretty well” backed the plan"


def test_pronoun_speaker_resolves_to_the_person_before(quotes):
    text = (
        "Dmytro Lubinets visited the camp on Monday. He said the children had been moved "
        "without their parents."
    )
    quote = one(quotes(text), "said")
    assert quote.speaker.name == "Dmytro Lubinets"
    assert quote.speaker.mention.text == "He"


def test_a_name_modifying_a_noun_is_no_antecedent(quotes):
    text = (
        "Marco Rubio said the Trump administration did not want a partition of Bosnia. "
        '"The last thing the world needs is another crisis," he said.'
    )
    quote = next(q for q in quotes(text) if q.kind == "direct")
    assert quote.speaker.mention.text == "he"
    assert quote.speaker.name == "Marco Rubio"


def test_a_name_inside_a_quote_is_no_antecedent(quotes):
    text = (
        'Scott Snyder studies the peninsula. "It is in the interest of both Donald Trump and '
        'Kim Jong Un to ensure that an agreement holds," he said.'
    )
    quote = next(q for q in quotes(text) if q.kind == "direct")
    assert quote.speaker.name == "Scott Snyder"


def test_they_after_a_plural_speaker_with_no_entity(quotes):
    text = (
        "Rights groups tell VOA that all eight men remain in Thai custody. They say the five in "
        "prison face the greatest risk."
    )
    they = next(q for q in quotes(text) if q.speaker and q.speaker.mention.text == "They")
    assert they.speaker.name == "Rights groups"
    assert they.speaker.entity is None


def test_a_surname_the_model_missed_links_to_the_full_name(quotes):
    text = (
        'Gary Samore, a former White House official, studies the region. "Unless both sides '
        'change, there is no progress," said Samore.'
    )
    quote = next(q for q in quotes(text) if q.kind == "direct")
    assert quote.speaker.mention.text == "Samore"
    assert quote.speaker.name == "Gary Samore" and quote.speaker.entity is not None


def test_conjoined_cues_split_the_content(quotes):
    text = "Zelensky said Kyiv would work with partners and stressed that peace must be just."
    found = quotes(text)
    said, stressed = one(found, "said"), one(found, "stressed")
    assert said.content.text == "Kyiv would work with partners"
    assert stressed.content.text == "that peace must be just"
    assert stressed.speaker.name == said.speaker.name


def test_a_dash_attributes_a_quote(quotes):
    text = "“He represents our greatest shame.” ― Sonya Herridge"
    quote = one(quotes(text), "―")
    assert quote.speaker.mention.text.startswith("Sonya")


def test_an_object_can_give_a_cue_verb_another_sense(quotes):
    assert not quotes("Militants attacked a passenger train near Sibi on Tuesday.")
    assert not quotes("The United States called a private meeting of the Security Council.")
    # the same verbs with what was said
    attacked = one(quotes("Trump attacked the newspaper for its coverage."), "attacked")
    assert attacked.content.text.startswith("the newspaper")
    called = one(quotes("Clinton called the vote a mistake."), "called")
    assert called.content.text == "the vote a mistake"


def test_a_stance_stated_with_an_adjective_or_noun(quotes):
    cases = {
        "Lindsey Graham has been critical of the deal.": ("critical of", "the deal"),
        "Senator Ron Wyden, a critic of the trucking deal, voted no.": (
            "critic of",
            "the trucking deal",
        ),
        "The senator is a staunch opponent of the death penalty.": (
            "opponent of",
            "the death penalty",
        ),
    }
    for text, (cue, content) in cases.items():
        quote = one(quotes(text), cue)
        assert quote.content.text == content
        assert quote.speaker is not None
    # the same words with no one holding a stance
    assert not quotes("Water is critical to survival in the desert.")
    assert not quotes("The critical part of the bridge collapsed.")


def test_a_passive_cue_with_its_agent(quotes):
    rejected = one(quotes("The proposal was rejected by Kyiv on Monday."), "rejected by")
    assert rejected.content.text == "The proposal"
    assert rejected.speaker.mention.text == "Kyiv"
    backed = one(quotes("A peace plan backed by Beijing was presented."), "backed by")
    assert backed.content.text == "A peace plan"
    criticized = one(
        quotes("The bill, which was criticized by Democrats, passed."), "criticized by"
    )
    assert criticized.content.text == "The bill"
    assert not quotes("The passenger train was attacked by militants near Sibi.")
    assert not quotes("The body was found by police near the river on Monday.")


def test_a_document_that_opens_the_clause_is_its_source(quotes):
    poll = one(quotes("In this poll, Trump rose one point while Clinton fell."), "In")
    assert poll.speaker.mention.text == "this poll"
    assert poll.content.text == "Trump rose one point while Clinton fell"
    # a statement is its author's; a time is nobody's
    found = quotes("In a statement, the union called Clinton a champion of workers.")
    assert [q.cue.text for q in found] == ["called"]
    assert not quotes("In the morning, the troops left the city.")


def test_an_as_clause_attributes_the_rest_of_the_sentence(quotes):
    put = one(
        quotes(
            "The main requirement is a lawful source of income, as a Homeland Security memo put it."
        ),
        "put",
    )
    assert put.speaker.mention.text == "a Homeland Security memo"
    assert put.content.text == "The main requirement is a lawful source of income"
    told = one(
        quotes(
            "As the minister told reporters on Friday, the talks will resume next week in Geneva."
        ),
        "told",
    )
    assert told.content.text == "the talks will resume next week in Geneva"
    # "as" with a verb that says nothing, or that has its own content (a while-clause)
    assert not any(
        q.cue and q.cue.text == "cheered" for q in quotes("He left as the crowd cheered.")
    )
    text = "The statement comes as the Kremlin said that much remains to be done on a deal."
    assert [q.content.text for q in quotes(text)] == ["that much remains to be done on a deal"]


def test_unattributed_prose_gives_no_quote(quotes):
    assert quotes("Heavy rain flooded the valley and closed two roads on Tuesday.") == ()


@pytest.mark.parametrize(
    ("text", "segments"),
    [
        ("He said “yes” and “no”.", [(8, 13), (18, 22)]),
        ('"Go," he said.', [(0, 5)]),
        ("“Unclosed quote runs on", [(0, 23)]),
        ('It is 5" long', []),
        # a straight quote left open: a mark after a full stop and before a word opens the
        # next quote, and the open one ends with its first sentence
        ('He said, "We act . Tensions rose. "No," they said.', [(9, 18), (34, 39)]),
        ('He said "This is fine. It is." and "Go. Now."', [(8, 30), (35, 45)]),
    ],
)
def test_quote_segments(text, segments):
    assert [(s.start, s.end) for s in quote_segments(text)] == segments


def test_a_timestamp_paragraph_is_never_the_speaker(quotes):
    text = (
        "The Latest on the U.S. presidential campaign (all times EDT):\n\n12:15 p.m.\n\n"
        "Donald Trump says he will visit Mexico next week."
    )
    (quote,) = quotes(text)
    assert quote.speaker is not None and quote.speaker.mention.text == "Donald Trump"
    assert quote.content.text == "he will visit Mexico next week"


def test_a_transcript_names_its_speakers_in_capitals(quotes):
    text = (
        "Mike Pence spoke to Chris Wallace on Fox News Sunday. Partial transcript:\n\n"
        "\"WALLACE: Let's start with the debate. Will she be there?\n\n"
        '"PENCE: Gennifer Flowers will not be attending the debate tomorrow night.\n\n'
        "UPDATE: The campaign did not answer questions about the guest list on Monday."
    )
    found = quotes(text)
    by_speaker = {q.speaker.name: q for q in found if q.cue and q.cue.text == ":"}
    assert set(by_speaker) == {"Chris Wallace", "Mike Pence"}
    assert by_speaker["Mike Pence"].speaker.mention.text == "PENCE"
    assert by_speaker["Mike Pence"].content.text.startswith("Gennifer Flowers will not")
    assert by_speaker["Mike Pence"].kind == "direct"
    # "UPDATE:" is a rubric, not a speaker; the next paragraph's words are no cue for a quote
    assert not any(q.speaker and q.speaker.name.upper() == "UPDATE" for q in found)
    assert not any(q.content.text.startswith('"PENCE') for q in found)


def test_a_verb_and_a_colon_or_comma_open_the_next_quote(quotes):
    text = (
        'The pollster continued:\n\n"The health issue is very much a partisan issue, and '
        'the numbers show it."\n\nDouglas Brinkley, a historian who attended the session, '
        'recalled in an interview, "Out of nowhere, he turned to the climate."'
    )
    found = quotes(text)
    opened = {q.cue.text: q for q in found if q.cue}
    assert opened["continued"].content.text.startswith('"The health issue')
    assert opened["continued"].kind == "direct"
    assert opened["recalled"].speaker.name == "Douglas Brinkley"
    assert opened["recalled"].content.text == '"Out of nowhere, he turned to the climate."'
    # a comma after a verb that says nothing opens no quote
    assert not quotes('The crowd waited, "Go home" written on their signs.')


def test_a_dash_and_a_signature_attribute_a_quote(quotes):
    text = (
        "“He is ignorant of our culture and lives.”― Beck Pimentel\n"
        "“No sympathy for the workers of this country.” ― Nell Carden Grey.\n"
        "“The vote is over.” ― and the crowd left the hall."
    )
    found = [q for q in quotes(text) if q.cue and q.cue.text == "―"]
    assert [q.speaker.name for q in found] == ["Beck Pimentel", "Nell Carden Grey"]
    assert found[0].content.text == "“He is ignorant of our culture and lives.”"


def test_a_dash_parsed_as_a_subject_is_not_the_speaker(quotes):
    text = (
        "Clinton noted that Trump has not paid federal income taxes ― as was true for the few "
        "years his tax returns were made public ― Trump boasted, “That makes me smart.”"
    )
    quote = one(quotes(text), "boasted")
    assert quote.speaker.name == "Donald Trump" or quote.speaker.mention.text == "Trump"
    assert quote.content.text == "“That makes me smart.”"


def test_a_dash_after_a_space_still_attributes(quotes):
    text = (
        "“How did we get this low?”\u00a0― Jacklyn Ashley\u00a0 “Trump must stop portraying "
        "Latinos as gangsters.” ― Carla Sanchez"
    )
    found = [q for q in quotes(text) if q.cue and q.cue.text == "―"]
    assert [q.speaker.mention.text.split()[0] for q in found] == ["Jacklyn", "Carla"]
    assert found[0].content.text == "“How did we get this low?”"


def test_a_closing_mark_that_opens_a_paragraph_opens_the_quote(quotes):
    text = (
        "Readers sent us their answers.\n\n”He represents our greatest shame. He has "
        "empowered the worst.” ― Sonya Herridge\n\nThe debate ” was long”, one said."
    )
    found = [q for q in quotes(text) if q.cue and q.cue.text == "―"]
    assert [q.content.text for q in found] == [
        "”He represents our greatest shame. He has empowered the worst.”"
    ]
    assert found[0].speaker.name == "Sonya Herridge"
    # only at a paragraph's start and touching a word: a stray mark mid-paragraph opens nothing
    assert not any(q.content.text.startswith("” was") for q in quotes(text))


def test_two_apostrophes_are_a_quote_mark(quotes):
    text = "''It has the important virtue of being fiscally responsible,'' Mr. Burman said."
    (quote,) = quotes(text)
    assert quote.kind == "direct"
    assert quote.content.text.startswith("''It has") and quote.content.text.endswith(",''")
    assert quote.speaker.mention.text == "Mr. Burman"


def test_a_stance_noun_keeps_its_topic(quotes):
    voiced = one(
        quotes("Trump has voiced interest in making military aid contingent on a deal."), "voiced"
    )
    assert voiced.content.text == "interest in making military aid contingent on a deal"
    expressed = one(
        quotes("The EU expressed concern over the arrests in a statement."), "expressed"
    )
    assert expressed.content.text == "concern over the arrests"
    praised = one(quotes("Ministers praised the plan in a statement on Monday."), "praised")
    assert praised.content.text == "the plan"


def test_a_block_quote_follows_its_cue_and_colon(quotes):
    text = (
        "Limbaugh spoke on his radio show on Monday about the debate.\n\n"
        "The host added:\n\n"
        "And from a supposed front-runner, this reeks of the greatest fear I have ever seen.\n\n"
        "The list of guests is as follows:\n\n"
        "Two governors, three senators and a former ambassador to the United Nations."
    )
    found = quotes(text)
    added = one(found, "added")
    assert added.content.text.startswith("And from a supposed front-runner")
    assert added.speaker.mention.text == "The host"
    assert not any(q.content.text.startswith("Two governors") for q in found)


def test_a_participle_cue_is_a_statement_of_its_own(quotes):
    found = quotes(
        "Sen. David Perdue said he did not believe those attacks hurt Romney in 2012, arguing "
        "that divisions in the party were a bigger hurdle."
    )
    said, arguing = one(found, "said"), one(found, "arguing")
    assert said.content.text == "he did not believe those attacks hurt Romney in 2012"
    assert arguing.content.text == "that divisions in the party were a bigger hurdle"
    assert arguing.speaker.name == said.speaker.name


def test_a_second_passage_with_its_own_cue_is_a_second_quote(quotes):
    found = quotes(
        "“We certainly can’t afford to do this anymore,” Trump said, adding later, “NATO is "
        "costing us a fortune.”"
    )
    assert one(found, "said").content.text == "“We certainly can’t afford to do this anymore,”"
    assert one(found, "adding").content.text == "“NATO is costing us a fortune.”"


def test_a_participle_after_a_denial_is_the_deniers(quotes):
    found = quotes(
        "The China Coast Guard denied that its ships had entered Taiwanese waters, saying they "
        "were carrying out routine patrols."
    )
    denied, saying = one(found, "denied"), one(found, "saying")
    assert denied.content.text == "that its ships had entered Taiwanese waters"
    assert saying.content.text == "they were carrying out routine patrols"
    assert saying.speaker.mention.text == denied.speaker.mention.text


def test_a_headline_source_and_colon_attribute_the_rest(quotes):
    text = (
        "Poll: Clinton and Trump are in a dead heat before the first debate.\n\n"
        "Note: the figures below are rounded to the nearest point.\n\n"
        "Maria Lopez: The city must rebuild the bridge before winter."
    )
    found = {q.content.text: q for q in quotes(text) if q.cue and q.cue.text == ":"}
    poll = found["Clinton and Trump are in a dead heat before the first debate."]
    assert poll.speaker.mention.text == "Poll"
    assert found["The city must rebuild the bridge before winter."].speaker.name == "Maria Lopez"
    # "Note" is neither a name nor a source: a rubric, not an attribution
    assert not any(c.startswith("the figures below") for c in found)


def test_a_headline_surname_and_colon_attribute_the_rest(quotes):
    text = (
        "Sanders: Clinton needs to 'get away from all of this personality stuff'\n\n"
        "Sanders: 45 percent among likely voters in the state\n\n"
        "Bernie Sanders said on Friday that the campaign must focus on issues."
    )
    found = {q.content.text: q for q in quotes(text) if q.cue and q.cue.text == ":"}
    headline = found["Clinton needs to 'get away from all of this personality stuff'"]
    assert headline.speaker.name == "Bernie Sanders"
    # a poll's figures after a name are no statement
    assert not any(c.startswith("45 percent") for c in found)


def test_a_clause_of_time_or_reason_is_not_what_was_said(quotes):
    found = quotes("The crowd fell silent when the minister said it before the vote.")
    assert not [q for q in found if q.content.text.startswith("before")]
    found = quotes("The minister said after the vote that the budget would pass.")
    assert one(found, "said").content.text == "that the budget would pass"
    found = quotes("Barnier warned that, although unlikely, other states could decide to quit.")
    assert one(found, "warned").content.text.startswith("that, although unlikely")


def test_speaking_on_condition_of_anonymity_says_nothing(quotes):
    text = "An official, who spoke on condition of anonymity, said the prison was full."
    found = quotes(text)
    assert [q.cue.text for q in found if q.cue] == ["said"]
    assert not quotes("The envoy spoke on the sidelines of the summit in Doha.")


def test_a_reckoned_figure_is_its_reckoner_s_claim(analyzer):
    text = "Local officials put the number of displaced at 12,000, while the army puts it lower."
    analysis = analyzer.analyze_document(Document(text))
    quote = one(analysis.quotes, "put")
    assert quote.speaker.mention.text == "Local officials"
    assert quote.content.text == "the number of displaced at 12,000"
    (figure,) = [f for f in analysis.figures if f.span.text == "12,000"]
    assert figure.claimed_by is not None and figure.claimed_by.name == "Local officials"
    assert not analyzer.analyze_document(
        Document("He put the book at the end of the shelf.")
    ).quotes


def test_a_noun_the_tagger_misread_still_cues(quotes):
    found = quotes("The Ruiz campaign plans to use the senator and his wife as much as possible.")
    assert one(found, "plans").content.text == "to use the senator and his wife as much as possible"


def test_a_that_clause_the_parser_hung_on_a_noun(quotes):
    text = (
        "On Monday, Foreign Minister Lindqvist told reporters during a press gaggle that she "
        "believes leaders from Norway and Chile will meet at some point."
    )
    quote = one(quotes(text), "told")
    assert quote.content.text.startswith("that she believes leaders")
    assert quote.speaker.mention.text.endswith("Lindqvist")
    assert not quotes("The minister spoke during the hours that the talks lasted.")


@pytest.mark.parametrize(
    ("text", "content"),
    [
        (  # the cue hung on the subject of the clause it reports
            "The difference now, she told me on Tuesday, is that the agency has more money.",
            "The difference now, she told me on Tuesday, is that the agency has more money",
        ),
        (  # a finite clause with no "that", read by the parser as adverbial
            "Ruiz said after the vote he would not accept the result.",
            "he would not accept the result",
        ),
        (  # "that" a subordinator, where a relative "that" would be an argument
            "She told a meeting of farm leaders that few people understood the risks of drought.",
            "that few people understood the risks of drought",
        ),
    ],
)
def test_clauses_the_parser_attached_elsewhere(quotes, text, content):
    (quote,) = quotes(text)
    assert quote.content.text == content


def test_a_second_speaker_joined_to_the_first_one_s_words(quotes):
    found = quotes(
        "She said fathers would not be eligible for the paid leave, and when pressed on why, "
        "the 34-year-old said it was a start."
    )
    assert [q.content.text for q in found] == [
        "fathers would not be eligible for the paid leave",
        "it was a start",
    ]
    (quote,) = quotes(
        "The envoy told reporters that the vote was rigged and that he would ask the court to "
        "annul it."
    )
    assert quote.content.text.endswith("he would ask the court to annul it")


def test_a_reported_call_for_is_the_source_s_words(quotes):
    text = "Agency rules called for the patient to be taken to a trauma center, sources said."
    quote = one(quotes(text), "said")
    assert quote.speaker.mention.text == "sources"
    assert quote.content.text.startswith("Agency rules called for the patient")


def test_a_relative_clause_with_its_own_speaker_is_its_own_quote(quotes):
    found = quotes(
        "Ruiz also said the videos do not show whether the driver has anything in his hands, "
        "which he said were at his side when he was shot."
    )
    first, second = sorted(found, key=lambda q: q.content.start)
    assert first.content.text.endswith("anything in his hands")
    assert second.speaker.mention.text == "he" and "at his side" in second.content.text
    (quote,) = quotes("He said he would spend the $18 million he says he raised on ads.")
    assert quote.content.text.endswith("the $18 million he says he raised on ads")


def test_a_that_clause_after_a_chain_of_prepositions(quotes):
    text = "He often told one of his young aides on a regular basis that patience is the answer."
    assert one(quotes(text), "told").content.text == "that patience is the answer"


def test_a_quote_right_after_its_verb(quotes):
    quote = one(
        quotes('Protesters in the streets chanted "What curfew?" and kept going.'), "chanted"
    )
    assert quote.kind == "direct" and quote.content.text == '"What curfew?"'
    quote = one(
        quotes("Maria Lopez can be heard yelling to the officers that he was unarmed."), "yelling"
    )
    assert quote.content.text == "that he was unarmed"


def test_a_second_speaker_s_object_cue_after_the_first_one_s_words(quotes):
    found = quotes(
        "Republicans said they were convinced the agency mishandled the probe and Democrats "
        "accused the majority of stoking the issue for political gain."
    )
    assert one(found, "said").content.text.endswith("mishandled the probe")
    assert one(found, "accused").speaker.mention.text == "Democrats"
    # before the cue, the whole passage is the reporter's
    (quote,) = quotes(
        "The firm also burns gas, and several groups accused it of trying to sway the talks, "
        "the agency reported."
    )
    assert quote.cue.text == "reported" and "accused it of trying" in quote.content.text


def test_hoped_is_hope_not_hop(quotes):
    found = quotes("She said the plan would work, but she hoped it would not be needed.")
    assert one(found, "hoped").content.text == "it would not be needed"
    assert one(found, "said").content.text == "the plan would work"


def test_a_headline_s_content_stops_at_the_paragraph_break(quotes):
    quote = one(quotes("Minister says talks will resume in May\n\nThe talks broke down."), "says")
    assert quote.content.text == "talks will resume in May"


def test_a_hope_inside_someone_s_words_is_not_a_new_statement(quotes):
    found = quotes(
        "Lee thinks the regime could either test a missile or stay quiet, hoping that the "
        "election goes its way."
    )
    assert [q.cue.text for q in found] == ["thinks"]


@pytest.mark.parametrize(
    ("text", "cue", "content"),
    [
        (
            "A 2014 study by a law professor found 31 incidents of voter fraud out of a "
            "billion ballots cast.",
            "found",
            "31 incidents of voter fraud out of a billion ballots cast",
        ),
        (
            "The audit revealed serious gaps in the ministry's accounts.",
            "revealed",
            "serious gaps in the ministry's accounts",
        ),
    ],
)
def test_what_a_study_or_an_inquiry_found(quotes, text, cue, content):
    quote = one(quotes(text), cue)
    assert quote.content.text == content


def test_what_the_police_found_is_no_quote(quotes):
    assert not quotes("Police found a weapon and two phones in the car.")


def test_a_standing_in_a_poll_is_the_poll_s(quotes):
    quote = one(quotes("Ruiz leads Ortega by five points in a new Reuters poll."), "in")
    assert quote.speaker.mention.text == "a new Reuters poll"
    assert quote.content.text == "Ruiz leads Ortega by five points"
    assert not quotes("The figures were published in a survey of 2,000 adults.")
