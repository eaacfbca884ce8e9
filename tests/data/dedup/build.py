"""Build the labelled near-duplicate set from the examples: ``python tests/data/dedup/build.py``.

Writes ``documents.jsonl`` (every text, literally: the cleaned bodies of the examples, variants
of them and new same-topic stories written for this set) and ``pairs.jsonl`` (``a``, ``b``,
``duplicate``, ``kind``). All texts are the project's own: the examples were written for
newsdesk, and the edits and the stories below were written for this set.

Variants of an example (``<id>/trim``, ``<id>/edit``, ``<id>/half``, ``<id>/rewrite``) are what a wire copy
looks like in another outlet: another headline and outlet, the last paragraphs cut, sentences
reworded, a paragraph moved, a sign-off or an editor's line added, half the story cut. Same-topic stories
(``<id>/other``) have the same actors and places as the example but tell another event; some
reuse a background paragraph of the example word for word, as agencies do.
"""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT / "src"))

from newsdesk.ingest import Document, Options, read_inputs  # noqa: E402

EXAMPLES = {
    "ex01": "01-sudan-jeddah-talks.txt",
    "ex02": "02-mali-drone-strike.txt",
    "ex03": "03-drc-m23-refugees.txt",
    "ex04": "04-yemen-houthi-crew-release.txt",
    "ex05": "05-haiti-protest.txt",
    "ex06": "06-armenia-azerbaijan-border.txt",
    "ex07": "07-ukraine-drone-strikes.html",
    "ex08": "08-myanmar-yangon-arrests.html",
    "ex09": "09-iran-iaea-fordow.html",
    "ex10": "10-unsc-gaza-resolution.html",
}
WIRE = ("wire-001", "wire-002", "wire-003")

# Reworded sentences (old -> new), written for this set: what a desk editor changes.
REWORD: dict[str, list[tuple[str, str]]] = {
    "ex01": [
        (
            "resumed indirect ceasefire talks in the Saudi city of Jeddah on Tuesday, mediators said",
            "went back to indirect truce negotiations in Jeddah, Saudi Arabia, on Tuesday, according to mediators",
        ),
        ("and each side blamed the other.", "with both sides blaming each other for the collapse."),
    ],
    "ex02": [
        (
            "killing at least 21 people, including several children, residents and a local official said.",
            "killing 21 or more people, children among them, according to residents and a local official.",
        ),
        (
            "Rights groups say the number of civilian deaths blamed on air strikes in Mali rose by nearly 40% last year.",
            "According to rights groups, civilian deaths attributed to air strikes in the country climbed by nearly 40% in the past year.",
        ),
    ],
    "ex03": [
        (
            "Nearly 40,000 people have crossed from eastern Democratic Republic of Congo into Burundi in the past week",
            "Close to 40,000 people fled eastern Congo into Burundi over the last seven days",
        ),
        (
            "making it one of the largest displacement crises in the world.",
            "one of the biggest displacement emergencies anywhere.",
        ),
    ],
    "ex04": [
        (
            "Yemen's Houthi movement released all 25 crew members of a cargo ship it seized in the Red Sea",
            "Yemen's Houthis have freed the 25 sailors of a merchant vessel they captured in the Red Sea",
        ),
        ("Manila welcomed the news.", "The Philippine government hailed the release."),
    ],
    "ex05": [
        (
            "Haitian police fired tear gas on Monday at thousands of protesters who marched through Port-au-Prince",
            "Police in Haiti used tear gas on Monday against thousands of demonstrators marching through the capital, Port-au-Prince,",
        ),
        (
            "Diplomats said that a UN trust fund for the force had received about $110 million so far.",
            "A UN trust fund for the force has so far received about $110 million, diplomats said.",
        ),
    ],
    "ex06": [
        (
            "Two Armenian soldiers were killed and at least four wounded",
            "Two soldiers from Armenia died and four or more were injured",
        ),
        ("Baku rejected that account.", "Azerbaijan gave a different version of events."),
    ],
    "ex07": [
        (
            "Russia launched nearly 90 drones and four ballistic missiles at Ukraine overnight",
            "Russia fired almost 90 attack drones and four ballistic missiles at Ukrainian cities during the night",
        ),
        (
            "Rescuers were still searching the rubble on Tuesday morning, he said.",
            "He said emergency crews were still digging through the rubble on Tuesday morning.",
        ),
    ],
    "ex08": [
        (
            "arrested at least 37 people in overnight raids across Yangon",
            "detained 37 or more people in night-time raids in Yangon",
        ),
        (
            "Beijing, the military government’s most important diplomatic backer, said on Thursday",
            "China, the junta's main diplomatic ally, said on Thursday",
        ),
    ],
    "ex09": [
        (
            "visited Iran's Fordow enrichment plant on Monday for the first time in nearly four months, diplomats said",
            "went to Iran's underground Fordow enrichment site on Monday, their first visit in almost four months, according to diplomats",
        ),
        (
            "Israeli officials have said that Iran could produce enough weapons-grade uranium for a bomb within weeks.",
            "Israel says Tehran could make enough weapons-grade uranium for one bomb in a matter of weeks.",
        ),
    ],
    "ex10": [
        (
            "The United Nations Security Council on Thursday adopted a resolution demanding",
            "The UN Security Council passed a resolution on Thursday that demands",
        ),
        (
            "The ministry does not distinguish between civilians and fighters.",
            "Its count does not separate civilians from combatants.",
        ),
    ],
    "wire-001": [
        (
            "China's military staged a day of snap combat-readiness drills around Taiwan on Tuesday",
            "China's armed forces held unannounced combat-readiness exercises around Taiwan on Tuesday",
        ),
        (
            "Washington said it was monitoring the situation closely and urged Beijing to show restraint.",
            "The United States said it was watching closely and called on Beijing to exercise restraint.",
        ),
    ],
    "wire-002": [
        (
            "Al-Shabab fighters stormed an African Union base near the town of Jowhar in central Somalia before dawn on Monday",
            "Militants from al-Shabab overran part of an African Union base close to Jowhar in central Somalia early on Monday",
        ),
        ("Mogadishu condemned the attack.", "The Somali government condemned the assault."),
    ],
    "wire-003": [
        (
            "The United States on Thursday imposed sanctions on 11 Venezuelan officials",
            "Washington on Thursday slapped sanctions on 11 officials in Venezuela",
        ),
        ("Caracas rejected both moves.", "The Venezuelan government dismissed both steps."),
    ],
}

# Lines an outlet adds to a copy (sign-offs, editor's notes, a sentence of its own).
ADDED = {
    "ex01": "(Additional reporting by Horn Observer staff in Port Sudan; editing by Sami Tadesse)",
    "ex02": "This story has been updated with a statement from the UN human rights office.",
    "ex03": "Burundi's interior ministry said on Friday that it was opening two new reception sites near the border.",
    "ex04": "(Reporting by Layla Haddad in Dubai; Editing by Tom Ashby)",
    "ex05": "Correction: an earlier version of this story misspelt the name of the opposition politician.",
    "ex06": "Both governments have said they want a peace treaty signed before the end of the year.",
    "ex07": "(Writing by Olena Kovalchuk; Editing by Mark Devlin)",
    "ex08": "Our correspondent in Yangon contributed to this report.",
    "ex09": "The IAEA declined to comment on the details of the visit.",
    "ex10": "Read the full text of the resolution on the UN website.",
    "wire-001": "(Reporting by the Pacific Wire Service Taipei bureau; editing by Ruth Lim)",
    "wire-002": "Uganda's army spokesman said the dead soldiers' bodies had been flown to Entebbe.",
    "wire-003": "(Reporting by the Americas Desk in Caracas and Washington)",
}

# New stories on the same subjects (same actors and places, another event), written for this set.
# "reuse" names paragraphs of the example copied word for word as background.
OTHER: dict[str, dict] = {
    "ex01": {
        "title": "Sudan talks stall over El Fasher corridor",
        "reuse": [4],
        "paras": [
            "Ceasefire talks between Sudan's army and the Rapid Support Forces stalled in Jeddah on Sunday after the two delegations failed to agree on who would guard an aid corridor into El Fasher, Saudi mediators said.",
            "The army wants its own police to escort convoys, while the RSF says only a neutral force can do it, according to a diplomat who attended the sessions.",
            "Lieutenant General Osman Abdelrahim left Jeddah for consultations in Port Sudan and is expected back on Wednesday. The RSF delegation stayed in the city.",
        ],
    },
    "ex02": {
        "title": "Mali's junta extends curfew in Mopti region after JNIM ambush",
        "reuse": [],
        "paras": [
            "Mali's military government extended a night curfew across the Mopti region on Thursday after suspected JNIM fighters ambushed a supply convoy between Djenné and Mopti, killing four drivers, officials said.",
            "Army spokesman Colonel Bakary Sangaré said on state television that motorbikes and pick-up trucks would be banned from the roads between 7 p.m. and 6 a.m. for a further 30 days.",
            'Traders in Mopti said the curfew had already halved the number of buyers coming to the weekly market. "People are afraid to travel, and the roads are empty by five o\'clock," said Oumar Traoré, a grain seller.',
            "JNIM, the al Qaeda affiliate, has not commented on the ambush.",
        ],
    },
    "ex03": {
        "title": "DRC and Rwanda ministers meet in Luanda as M23 holds Uvira road",
        "reuse": [7],
        "paras": [
            "The foreign ministers of the Democratic Republic of Congo and Rwanda met in Luanda on Saturday for the first time in four months, Angola's presidency said, as M23 rebels kept control of the main road between Bukavu and Uvira.",
            "The talks, hosted by Angolan mediators, ended without a joint statement. A Congolese official said Kinshasa had again demanded the withdrawal of Rwandan troops before any ceasefire.",
            "Rwanda's foreign minister told reporters in Kigali on Sunday that his country wanted a lasting solution to the FDLR militia and would not be blamed for Congo's internal conflicts.",
        ],
    },
    "ex04": {
        "title": "Houthis claim missile attack on tanker in Gulf of Aden",
        "reuse": [5],
        "paras": [
            "Yemen's Houthi movement said on Saturday that it had fired two missiles at an oil tanker in the Gulf of Aden, and a British maritime security agency said a vessel had reported an explosion nearby but no damage.",
            "Houthi spokesman Abdulmalik al-Sharafi said in a statement on Al-Masirah television that the tanker belonged to a company that traded with Israeli ports. The ship's manager said it had no link to Israel.",
            "The crew of the Marlin Star, released by the Houthis last month after Omani mediation, arrived in Manila on Friday.",
        ],
    },
    "ex05": {
        "title": "Kenyan police officers arrive in Haiti to reinforce security mission",
        "reuse": [3, 4],
        "paras": [
            "Two hundred Kenyan police officers landed in Port-au-Prince on Saturday to reinforce the Multinational Security Support mission, Haitian authorities said, days after thousands of people marched through the capital to demand security.",
            "Haiti's Transitional Presidential Council welcomed the officers at the airport and said they would be deployed to Delmas and the Champ de Mars area within a week.",
        ],
    },
    "ex06": {
        "title": "Armenia and Azerbaijan agree to resume border demarcation talks",
        "reuse": [5],
        "paras": [
            "Armenia and Azerbaijan agreed on Friday to resume work on marking their shared border, their foreign ministries said after a meeting of deputy prime ministers in Brussels.",
            "The commissions will meet next month near the village of Sotk, where two Armenian soldiers were killed in a clash in the spring, Yerevan said.",
            'Azerbaijani foreign ministry spokesman Elnur Rustamov said Baku hoped the work would "remove any excuse for incidents" on the frontier. The European Union Monitoring Mission in Armenia welcomed the agreement.',
        ],
    },
    "ex07": {
        "title": "Ukrenergo restores power in Odesa after week of outages",
        "reuse": [8],
        "paras": [
            "Ukraine's national grid operator Ukrenergo said on Friday that it had restored power to all households in the Odesa region after a week of rolling blackouts caused by Russian drone strikes on substations.",
            "Energy Minister Oleksandr Hrytsenko said engineers had replaced two damaged transformers with equipment delivered by the European Commission. He warned that scheduled outages could return if Russia struck again.",
            "In Kharkiv, regional governor Vitaliy Marchenko said a school in the Saltivskyi district had reopened after repairs.",
        ],
    },
    "ex08": {
        "title": "Myanmar junta frees student detainees ahead of election",
        "reuse": [4],
        "paras": [
            "Myanmar's military authorities released 14 university students in Yangon on Tuesday, among them several arrested in raids after an anniversary protest in August, the Assistance Association for Political Prisoners said.",
            "The group said the students had been made to sign pledges not to take part in politics. Military spokesman Major General Aung Myo Thant told state broadcaster MRTV that the release showed the government's goodwill before next year's general election.",
        ],
    },
    "ex09": {
        "title": "IAEA board censures Iran over cooperation",
        "reuse": [],
        "paras": [
            "The International Atomic Energy Agency's Board of Governors passed a resolution on Thursday censuring Iran for failing to cooperate with inspectors, diplomats said, in a vote of 19 to three with 12 abstentions.",
            'Russia and China voted against the text, which was put forward by Britain, France, Germany and the United States. Iran\'s foreign ministry spokesman Hossein Rezaei called the resolution "a political act with no technical basis" and said Tehran would respond.',
            "IAEA spokeswoman Karin Lindqvist said in Vienna that inspectors would return to Fordow next month as planned.",
        ],
    },
    "ex10": {
        "title": "Security Council fails to agree on Gaza ceasefire text",
        "reuse": [5],
        "paras": [
            "The UN Security Council failed on Tuesday to adopt a resolution calling for an immediate ceasefire in Gaza after the United States voted against it, diplomats said.",
            "The draft, put forward by Algeria, won 13 votes in favour, with Britain abstaining. US deputy ambassador Robert Kessler said the text would undermine talks mediated by Egypt and Qatar.",
            'Algeria\'s ambassador Karim Benaissa said the council had "failed the people of Gaza once again".',
        ],
    },
    "wire-001": {
        "title": "Taiwan reports Chinese balloons over the strait",
        "reuse": [8],
        "paras": [
            "Taiwan's defence ministry said on Saturday that it had tracked four Chinese balloons crossing the median line of the Taiwan Strait, some passing over the north of the island, in the latest sign of pressure from Beijing.",
            "Ministry spokesman Lin Chien-hung said the balloons were probably used for weather observation but that the ministry was studying their flight paths. China's foreign ministry said it had no information about the balloons.",
        ],
    },
    "wire-002": {
        "title": "Somalia says army retakes villages from al-Shabab near Jowhar",
        "reuse": [6],
        "paras": [
            "Somali forces backed by African Union troops retook three villages from al-Shabab near Jowhar on Saturday, Somalia's minister of internal security, Abdirahman Farah Jama, said.",
            "He said that 20 militants had been killed in the operation and that no Somali soldiers had died. AUSSOM spokesman Colonel Peter Okello confirmed that Ugandan troops had taken part.",
        ],
    },
    "wire-003": {
        "title": "Venezuela frees dozens of post-election detainees",
        "reuse": [],
        "paras": [
            "Venezuelan authorities released 86 people detained during protests after the July presidential election, the attorney general's office said on Saturday, including 12 teenagers.",
            'Lucía Mendoza of the rights group Foro Justicia said the releases were welcome but that more than 1,500 people remained in jail. "Freedom on parole is not freedom," she said.',
            "Foreign ministry spokesman Alejandro Rivas said the government was showing that it respected due process, and again rejected the ICC's arrest warrant for Colonel Ramón Castellanos.",
        ],
    },
}

OUTLETS = ["Continental Post", "Daily Meridian", "Global Desk", "Harbour Times", "Morning Ledger"]


def paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n") if p.strip()]


def reworded(key: str, paras: list[str], which: slice | None = None) -> list[str]:
    out = list(paras)
    for old, new in REWORD[key][: None if which is None else 1]:
        hits = [i for i, p in enumerate(out) if old in p]
        assert hits, (key, old)
        out[hits[0]] = out[hits[0]].replace(old, new)
    return out


def originals() -> dict[str, tuple[str, dict]]:
    found: dict[str, tuple[str, dict]] = {}
    wanted = {name: key for key, name in EXAMPLES.items()}
    targets = [str(ROOT / "examples" / name) for name in EXAMPLES.values()]
    targets.append(str(ROOT / "examples" / "wire.jsonl"))
    for item in read_inputs(targets, Options()):
        assert isinstance(item, Document), item
        key = item.meta.get("id") or wanted[Path(item.source or "").name]
        found[key] = (item.text, item.meta)
    return found


def main() -> None:
    documents: list[dict] = []
    pairs: list[dict] = []
    bases = originals()
    outlets = itertools.cycle(OUTLETS)
    for n, (key, (text, meta)) in enumerate(bases.items()):
        paras = paragraphs(text)
        title = meta.get("title") or key
        documents.append({"id": key, "kind": "example", "title": title, "text": text})
        # trim: another headline and outlet, the last two or three paragraphs cut.
        cut = 3 if len(paras) >= 9 else 2
        trim = paras[:-cut]
        documents.append(
            {
                "id": f"{key}/trim",
                "kind": "trim",
                "title": f"UPDATE 1-{title.split(';')[0]}",
                "outlet": next(outlets),
                "text": "\n".join(trim),
            }
        )
        # edit: two sentences reworded, two middle paragraphs swapped, a line added.
        edit = reworded(key, paras)
        edit[3], edit[4] = edit[4], edit[3]
        edit.append(ADDED[key])
        documents.append(
            {
                "id": f"{key}/edit",
                "kind": "edit",
                "title": f"{title} (edited)",
                "outlet": next(outlets),
                "text": "\n".join(edit),
            }
        )
        pairs += [
            {"a": key, "b": f"{key}/trim", "duplicate": True, "kind": "trimmed copy"},
            {"a": key, "b": f"{key}/edit", "duplicate": True, "kind": "reworded copy"},
            {"a": f"{key}/trim", "b": f"{key}/edit", "duplicate": True, "kind": "copy vs copy"},
        ]
        # half: every other story is cut to its first half, its lede reworded.
        if n % 2 == 0:
            half = reworded(key, paras[: (len(paras) + 1) // 2], slice(0, 1))
            documents.append(
                {
                    "id": f"{key}/half",
                    "kind": "half",
                    "title": f"In brief: {title}",
                    "outlet": next(outlets),
                    "text": "\n".join(half),
                }
            )
            pairs.append({"a": key, "b": f"{key}/half", "duplicate": True, "kind": "half copy"})
        # rewrite: every other story loses its last and a middle paragraph besides the edits.
        else:
            rewrite = [q for i, q in enumerate(edit[:-2]) if i != 2] + edit[-1:]
            documents.append(
                {
                    "id": f"{key}/rewrite",
                    "kind": "rewrite",
                    "title": f"{title} - analysis",
                    "outlet": next(outlets),
                    "text": "\n".join(rewrite),
                }
            )
            pairs.append(
                {"a": key, "b": f"{key}/rewrite", "duplicate": True, "kind": "rewritten copy"}
            )
        # other: a distinct story on the same subject.
        other = OTHER[key]
        body = other["paras"][:1] + [paras[i] for i in other["reuse"]] + other["paras"][1:]
        documents.append(
            {
                "id": f"{key}/other",
                "kind": "other",
                "title": other["title"],
                "text": "\n".join(body),
            }
        )
        pairs += [
            {"a": key, "b": f"{key}/other", "duplicate": False, "kind": "same topic"},
            {"a": f"{key}/trim", "b": f"{key}/other", "duplicate": False, "kind": "same topic"},
        ]
    keys = list(bases)
    for a, b in itertools.combinations(keys, 2):
        pairs.append({"a": a, "b": b, "duplicate": False, "kind": "other example"})
    with (HERE / "documents.jsonl").open("w", encoding="utf-8") as out:
        for doc in documents:
            out.write(json.dumps(doc, ensure_ascii=False) + "\n")
    with (HERE / "pairs.jsonl").open("w", encoding="utf-8") as out:
        for pair in pairs:
            out.write(json.dumps(pair, ensure_ascii=False) + "\n")
    positives = sum(p["duplicate"] for p in pairs)
    print(f"{len(documents)} documents, {len(pairs)} pairs ({positives} duplicates)")


if __name__ == "__main__":
    main()
