"""Word lists for the stakeholder part of `seed_demo`: the map of a Dutch regional organisation.

Sector keys are those of `relations.demo_data.SECTORS`; organisation names are matched
against the seeded organisations (an exact name, or a prefix such as "Energiecoöperatie ").
"""

# name, description, sector keys of the contacts who care about it
TOPICS = [
    (
        "Energy transition",
        "The Regional Energy Strategy (RES): wind and solar targets, heat networks, "
        "local ownership.",
        ["company", "ngo", "province", "municipality"],
    ),
    (
        "Grid congestion",
        "Waiting lists for grid connections that hold back housing and business parks.",
        ["company", "province", "agency"],
    ),
    (
        "Regional mobility",
        "Public transport, bicycle highways and the A12/A27 corridor.",
        ["municipality", "province", "company"],
    ),
    (
        "Housing",
        "The housing shortage, the regional housing deal and affordable rental homes.",
        ["housing", "municipality"],
    ),
    (
        "Student housing",
        "Rooms for students and starters near the campuses.",
        ["university", "hogeschool", "housing"],
    ),
    (
        "Labour market",
        "Shortages in technology, care and construction; reskilling and internships.",
        ["company", "hogeschool", "vocational"],
    ),
    (
        "Talent retention",
        "Keeping graduates in the region after their studies.",
        ["university", "hogeschool", "company"],
    ),
    (
        "Climate adaptation",
        "Heat stress, water storage and green public space.",
        ["municipality", "province", "ngo", "agency"],
    ),
    (
        "Nature and nitrogen",
        "Nitrogen permits, Natura 2000 areas and the rural area programme.",
        ["ngo", "province"],
    ),
    (
        "Circular construction",
        "Bio-based and circular building, industrial housing production.",
        ["company", "housing"],
    ),
    (
        "Regio Deal and national funding",
        "Bids for the Regio Deal, the Groeifonds and other national money.",
        ["province", "municipality", "agency"],
    ),
]

# Each group: name, description, influence, interest, priority (1 high .. 3 low), owning
# team index (None: unowned), sector keys and organisation names for its members (no
# names: every organisation of those sectors; none of the names seeded: people of those
# sectors), attitude weights (supporter, neutral, critic), topic names, and the
# reciprocity card as (kind, text, status). An active "our_goal" without an active
# "our_offer" makes a group unbalanced, on purpose for some. "cold" picks only contacts
# nobody met in months and no organisations, so that the group shows up as neglected.
GROUPS = [
    {
        "name": "Provincial government",
        "description": "Provincial executive and States of Utrecht and Gelderland; they set "
        "the regional agenda and hold most of the co-financing.",
        "influence": 5,
        "interest": 5,
        "priority": 1,
        "team": 0,
        "sectors": ["province"],
        "attitudes": (5, 3, 1),
        "topics": ["Energy transition", "Regional mobility", "Regio Deal and national funding"],
        "goals": [
            (
                "their_goal",
                "A regional economy that grows within the grid and nitrogen limits.",
                "active",
            ),
            ("their_goal", "Visible results of the Regio Deal before the elections.", "active"),
            ("our_goal", "Co-financing for the regional innovation programme 2026–2029.", "active"),
            (
                "our_offer",
                "We bring the businesses and knowledge institutions to their table.",
                "active",
            ),
            ("our_offer", "Monitoring data on the regional economy, twice a year.", "achieved"),
        ],
    },
    {
        "name": "Municipalities in the region",
        "description": "The municipalities of the Utrecht and Arnhem–Nijmegen regions; "
        "aldermen for economy, housing and spatial planning.",
        "influence": 4,
        "interest": 4,
        "priority": 1,
        "team": 0,
        "sectors": ["municipality"],
        "attitudes": (4, 4, 2),
        "topics": ["Housing", "Regional mobility", "Climate adaptation"],
        "goals": [
            ("their_goal", "More affordable homes without losing business land.", "active"),
            ("our_goal", "A joint regional agenda signed by all aldermen for economy.", "active"),
            ("our_offer", "Matchmaking with housing corporations and builders.", "active"),
        ],
    },
    {
        "name": "Universities & universities of applied sciences",
        "description": "Research universities and universities of applied sciences in the "
        "region: valorisation offices, deans, lectors.",
        "influence": 3,
        "interest": 4,
        "priority": 2,
        "team": 0,
        "sectors": ["university", "hogeschool"],
        "attitudes": (5, 3, 1),
        "topics": ["Talent retention", "Labour market", "Student housing"],
        "goals": [
            ("their_goal", "Internship and graduation places at regional companies.", "active"),
            (
                "their_goal",
                "Impact of research on the region, for their own accreditation.",
                "active",
            ),
            ("our_goal", "Two lectorates linked to the regional innovation programme.", "active"),
            (
                "our_offer",
                "A seat in our programme council and access to our business network.",
                "active",
            ),
        ],
    },
    {
        "name": "Housing corporations",
        "description": "Social landlords building and renovating in the region.",
        "influence": 4,
        "interest": 3,
        "priority": 1,
        "team": 1,
        "sectors": ["housing"],
        "attitudes": (2, 4, 3),
        "topics": ["Housing", "Circular construction", "Student housing"],
        "goals": [
            (
                "their_goal",
                "Building permits and grid connections for 2,000 homes a year.",
                "active",
            ),
            ("our_goal", "Pilot sites for industrial, circular housing production.", "active"),
            ("our_offer", "A regional purchasing pool for heat pumps.", "dropped"),
        ],
    },
    {
        "name": "Grid operators & infrastructure",
        "description": "Grid operators, rail and water companies whose capacity decides "
        "what the region can build.",
        "influence": 4,
        "interest": 4,
        "priority": 1,
        "team": 1,
        "sectors": ["company"],
        "names": ["Stedin", "Alliander", "NS", "ProRail", "Vitens", "Eneco"],
        "attitudes": (3, 5, 1),
        "topics": ["Grid congestion", "Energy transition", "Regional mobility"],
        "goals": [
            ("their_goal", "Space and permits for new substations.", "active"),
            (
                "our_goal",
                "Priority on the waiting list for the business parks in our programme.",
                "active",
            ),
            (
                "our_offer",
                "We bundle the connection requests of small firms into one plan.",
                "active",
            ),
        ],
    },
    {
        "name": "National ministries",
        "description": "Economic Affairs, Housing and Spatial Planning, Infrastructure: "
        "the people behind the national funds.",
        "influence": 5,
        "interest": 2,
        "priority": 2,
        "team": 0,
        "sectors": ["province", "municipality", "agency"],
        "cold": True,
        "attitudes": (2, 6, 1),
        "topics": ["Grid congestion", "Regio Deal and national funding"],
        "goals": [
            ("their_goal", "Regions that co-finance and deliver on time.", "active"),
            ("our_goal", "A second Regio Deal tranche for the region.", "active"),
            (
                "our_offer",
                "A worked-out regional business case they can take to the cabinet.",
                "active",
            ),
        ],
    },
    {
        "name": "Regional employers",
        "description": "Large and medium-sized employers: construction, engineering, "
        "finance and technology.",
        "influence": 4,
        "interest": 2,
        "priority": 2,
        "team": 1,
        "sectors": ["company"],
        "attitudes": (3, 4, 2),
        "topics": ["Labour market", "Talent retention", "Circular construction"],
        "goals": [
            ("their_goal", "Enough technical staff; less red tape for expansions.", "active"),
            ("our_goal", "Three employers sponsoring the regional talent programme.", "active"),
            ("our_goal", "A board member for the Economic Board round table.", "achieved"),
        ],
    },
    {
        "name": "Business associations",
        "description": "Employers' organisations and local business associations.",
        "influence": 3,
        "interest": 2,
        "priority": 3,
        "team": 1,
        "sectors": ["ngo"],
        "names": [
            "Economic Board Utrecht",
            "VNO-NCW Midden",
            "MKB-Nederland",
            "Ondernemersvereniging ",
        ],
        "attitudes": (3, 3, 1),
        "topics": ["Labour market", "Regional mobility"],
        "goals": [
            ("their_goal", "A voice for small firms in regional plans.", "active"),
            ("our_goal", "Their members in our workshops on grid congestion.", "active"),
            ("our_offer", "Speaking slots for their chairs at our regional conference.", "active"),
        ],
    },
    {
        "name": "Environmental NGOs",
        "description": "Nature and environmental organisations, active in the RES and the "
        "rural area programme.",
        "influence": 2,
        "interest": 4,
        "priority": 2,
        "team": 1,
        "sectors": ["ngo"],
        "names": [
            "Natuur & Milieu",
            "Natuurmonumenten",
            "Milieudefensie",
            "Greenpeace Nederland",
            "Het Utrechts Landschap",
        ],
        "attitudes": (1, 3, 4),
        "topics": ["Nature and nitrogen", "Energy transition", "Climate adaptation"],
        "goals": [
            ("their_goal", "No new business parks in the green belt.", "active"),
            ("their_goal", "A say in where the wind turbines go.", "active"),
            (
                "our_goal",
                "Support, or at least no objection, for the Energy Valley plan.",
                "active",
            ),
        ],
    },
    {
        "name": "Energy cooperatives & citizens' initiatives",
        "description": "Local energy cooperatives and neighbourhood initiatives.",
        "influence": 2,
        "interest": 3,
        "priority": 3,
        "team": None,
        "sectors": ["ngo"],
        "names": ["Energiecoöperatie "],
        "attitudes": (4, 3, 1),
        "topics": ["Energy transition"],
        "goals": [
            (
                "their_goal",
                "Fifty per cent local ownership of new solar and wind projects.",
                "active",
            ),
        ],
    },
    {
        "name": "Local media",
        "description": "Regional newspapers, broadcasters and trade press.",
        "influence": 2,
        "interest": 2,
        "priority": 3,
        "team": None,
        "sectors": [],
        "attitudes": (1, 4, 1),
        "topics": ["Housing", "Regional mobility"],
        "goals": [
            ("their_goal", "Stories with a face: people and companies from the region.", "active"),
        ],
    },
]

MEMBERSHIP_NOTES = {
    "supporter": [
        "Champions {topic} inside the organisation.",
        "Introduced us to the board last year.",
        "Spoke at our conference; happy to do it again.",
    ],
    "neutral": [
        "Open to talk; no position yet on {topic}.",
        "Busy with a reorganisation; keep it short.",
        "Follows the file on {topic} for the director.",
    ],
    "critic": [
        "Sceptical about {topic}; wants figures first.",
        "Felt passed over in the last funding round.",
        "Publicly critical of our role in {topic}.",
    ],
}

# name, description, membership conditions, closed, usernames of our members,
# sector keys of their members
NETWORKS = [
    (
        "Economic Board Utrecht round table",
        "Quarterly closed round table of directors from government, knowledge "
        "institutions and business in the Utrecht region.",
        "By invitation of the Economic Board only; one seat per organisation at director "
        "level; Chatham House rule; a seat lapses after two missed meetings.",
        True,
        ["manager", "joost", "sanne"],
        ["company", "university", "province", "municipality"],
    ),
    (
        "Regional Energy Club",
        "Informal club of people working on the Regional Energy Strategy; meets every "
        "two months at a member's site.",
        "Open to organisations active in the regional energy transition; members host a "
        "meeting in turn; annual contribution of €250 per organisation.",
        False,
        ["fleur", "bram", "nina"],
        ["company", "ngo", "province", "municipality"],
    ),
]
