/// Word lists and code tables the builders draw from. Names mix ASCII with accented Latin, Greek, Cyrillic, Arabic,
/// CJK and a character outside the BMP (`𠮷`), so string handling is exercised as real registries do.
enum Vocabulary {
    static let givenNames = [
        "Anna", "José", "Zoë", "Łukasz", "Søren", "Chloé", "Ángel", "Mary", "John", "Ólafur", "Dmitry", "Дмитрий",
        "Σωκράτης", "محمد", "Aiko", "Ngozi", "Björn", "François", "Priya", "Wei", "Jürgen", "Siobhán", "Emma", "Liam",
        "Noah", "Olivia", "Ava", "Mateo", "Leilani", "Kwame", "Yusuf", "Ines", "Hana", "Tomás", "Renée", "Ìfẹ́",
    ]
    static let familyNames = [
        "Müller", "Smith", "García", "Nguyễn", "O'Brien", "Smith-Jones", "Kowalski", "Ødegaard", "李", "王", "𠮷田",
        "Иванов", "Παπαδόπουλος", "Haddad", "Okafor", "Johnson", "Brown", "Dubois", "Rossi", "Tanaka", "Sánchez",
        "Andersson", "Van der Berg", "MacDonald", "D'Angelo", "Çelik", "Nowak", "Yılmaz", "Ślusarczyk", "Kim",
    ]
    static let prefixes = ["Dr.", "Mr.", "Ms.", "Mx.", "Prof."]
    static let nicknames = ["Pepe", "Bobby", "Kasia", "Sasha", "Lulu", "Mo"]

    static let streets = [
        "Hauptstraße", "Main Street", "Rue de la Paix", "Calle Mayor", "Ulica Długa", "Kungsgatan", "Via Roma",
        "Elm Avenue", "Åkervägen", "Piazza San Marco",
    ]
    /// city, state or region, postal code, country (ISO 3166)
    static let places: [(String, String?, String, String)] = [
        ("München", "BY", "80331", "DE"), ("Zürich", "ZH", "8001", "CH"), ("Bethesda", "MD", "20892", "US"),
        ("São Paulo", "SP", "01000-000", "BR"), ("Kraków", nil, "30-001", "PL"), ("Göteborg", nil, "411 01", "SE"),
        ("Montréal", "QC", "H2X 1Y4", "CA"), ("東京", nil, "100-0001", "JP"), ("Seattle", "WA", "98101", "US"),
        ("Lagos", nil, "100001", "NG"),
    ]

    /// BCP-47 code, display, local name.
    static let languages: [(String, String, String)] = [
        ("en-US", "English (United States)", "English"), ("de-CH", "German (Switzerland)", "Deutsch"),
        ("fr-CA", "French (Canada)", "Français"), ("es", "Spanish", "Español"), ("ja", "Japanese", "日本語"),
        ("pl", "Polish", "Polski"), ("zh", "Chinese", "中文"),
    ]

    static let maritalStatuses: [(String, String)] = [
        ("M", "Married"), ("S", "Never Married"), ("D", "Divorced"), ("W", "Widowed"), ("U", "unmarried"),
    ]

    /// Free text with the characters JSON must escape: quotes, backslashes, newlines, tabs.
    static let notes = [
        "Sample slightly hemolysed;\nrepeat advised.",
        "Patient reported \"mild\" fatigue after dose 2.",
        "Result entered manually\tby lab tech AB.",
        "Export path C:\\immport\\results\\batch-07 checked.",
        "Value confirmed by second run — no change.",
        "Fasting: yes. Time since last meal > 12 h.",
        "Commentaire : prélèvement effectué à jeun.",
        "Kommentar: Probe bei 4 °C gelagert.",
        "备注：样本已复检。",
        "Line one\r\nLine two",
    ]

    static let studyTitles = [
        "Immune responses to seasonal influenza vaccination in healthy adults",
        "Systems biology of yellow fever vaccine (YF-17D) responses",
        "Longitudinal antibody kinetics after SARS-CoV-2 mRNA vaccination",
        "T cell profiling in early rheumatoid arthritis",
        "Mucosal immunity after live attenuated influenza vaccine — a \"challenge\" study",
        "Allergen-specific immunotherapy for peanut allergy in children",
        "Natural killer cell diversity across the lifespan",
        "Hepatitis B vaccine non-responders: a cohort study",
        "Transcriptomic signatures of malaria (Plasmodium falciparum) infection",
        "Type 1 diabetes prevention with anti-CD3 antibody",
    ]
    /// SNOMED CT condition code, display.
    static let conditions: [(String, String)] = [
        ("6142004", "Influenza"), ("16541001", "Yellow fever"), ("840539006", "Disease caused by SARS-CoV-2"),
        ("69896004", "Rheumatoid arthritis"), ("91935009", "Allergy to peanuts"), ("61462000", "Malaria"),
        ("66071002", "Viral hepatitis type B"), ("46635009", "Diabetes mellitus type 1"),
    ]
    static let keywords = ["vaccine", "antibody", "flow cytometry", "ELISA", "HAI", "transcriptomics", "CyTOF"]

    /// SNOMED CT specimen type code, display.
    static let specimenTypes: [(String, String)] = [
        ("119297000", "Blood specimen"), ("119364003", "Serum specimen"), ("119361006", "Plasma specimen"),
        ("122555007", "Venous blood specimen"), ("258500001", "Nasopharyngeal swab"),
    ]
    static let bodySites: [(String, String)] = [
        ("368208006", "Left upper arm structure"), ("368209003", "Right upper arm structure"),
        ("45206002", "Nasal structure"),
    ]
}
