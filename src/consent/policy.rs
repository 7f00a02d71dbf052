//! Consent policy: decides, for each item of a disclosure request, whether it
//! may go to the recipient, which rule decided and why.
//!
//! The policy is a pure function of the request and the recorded facts. It
//! reads no clock, files or keys, so the caller passes the request time and
//! everything recorded at that time. It fails closed: an item is allowed only
//! when a rule permits it, and anything missing or unknown withholds the item.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::ids::{DossierId, TokenId};

/// Receiver of a disclosure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Recipient {
    /// A client with a dossier, such as the person themselves or their partner.
    Person(DossierId),
    /// Anyone without a dossier in this vault, such as a GP or a lawyer.
    ThirdParty(ThirdParty),
}

impl Recipient {
    /// Checks whether a consent's recipient and a request's recipient are the
    /// same receiver. Persons match by id and third parties by
    /// [`ThirdParty::matches`].
    pub fn matches(&self, other: &Recipient) -> bool {
        match (self, other) {
            (Recipient::Person(a), Recipient::Person(b)) => a == b,
            (Recipient::ThirdParty(a), Recipient::ThirdParty(b)) => a.matches(b),
            _ => false,
        }
    }

    fn is_person(&self, person: DossierId) -> bool {
        *self == Recipient::Person(person)
    }

    fn is_third_party(&self) -> bool {
        matches!(self, Recipient::ThirdParty(_))
    }
}

/// Recipient outside the counselling, named as written on the consent.
///
/// The derived `==` compares the strings exactly. The policy instead matches a
/// consent's third party to the request's with [`ThirdParty::matches`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThirdParty {
    pub name: String,
    pub role: String,
}

impl ThirdParty {
    /// Compares name and role case-insensitively, ignoring leading and
    /// trailing whitespace. A blank name matches no third party, so a consent
    /// with a blank name covers no request.
    pub fn matches(&self, other: &ThirdParty) -> bool {
        let name = normalize_for_match(&self.name);
        if name.is_empty() {
            return false;
        }

        name == normalize_for_match(&other.name)
            && normalize_for_match(&self.role) == normalize_for_match(&other.role)
    }
}

fn normalize_for_match(text: &str) -> String {
    text.trim().to_lowercase()
}

/// Kind of dossier content. A consent lists the classes it covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DataClass {
    Intake,
    Session,
    Report,
    Attachment,
    /// Paragraph of a joint-session note, usually about both partners.
    Joint,
}

/// One piece of dossier content named in a disclosure request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    /// Caller's identifier for the item, copied into its decision.
    pub id: String,
    /// Dossier or couple record holding the item. A consent covers the item
    /// only if it lists this id in [`Consent::dossiers`].
    pub source: DossierId,
    pub class: DataClass,
    /// Persons the item is about: one, or two for a paragraph about both
    /// partners. Every person listed must be in [`Facts::persons`].
    pub about: Vec<DossierId>,
    /// Counsellor's working note, which is never disclosed.
    pub working_note: bool,
}

/// Request to disclose items to one recipient at one instant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    pub recipient: Recipient,
    /// Instant of the disclosure, against which validity, withdrawals and the
    /// end of counselling are judged.
    #[serde(with = "rfc3339")]
    pub time: Timestamp,
    pub items: Vec<Item>,
}

/// Kind of consent, which limits whom it can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ConsentKind {
    /// Exchange with the partner or another client. Covers only a person
    /// recipient, never a third party.
    PartnerExchange,
    /// Consent for one named request.
    ///
    /// NOTE: not supported yet. [`decide`] never uses such a consent, and an
    /// item that has no other usable consent is withheld under [`Rule::R8`]
    /// with [`Reason::SingleRequestNotSupported`], so nothing goes out on it.
    SingleRequest,
    /// Disclosure to the third party that the consent names. Covers only a
    /// third-party recipient.
    ThirdParty,
}

/// Recorded withdrawal of a consent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Withdrawal {
    /// The withdrawal token's own id, not the id of the consent it withdraws.
    pub id: TokenId,
    /// Whether the withdrawal was received in writing. One received otherwise
    /// suspends the consent pending written confirmation.
    pub in_writing: bool,
    #[serde(with = "rfc3339")]
    pub time: Timestamp,
}

/// Signed consent of one person to disclose data about them to one recipient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consent {
    pub id: TokenId,
    /// Person who signed the consent and whom the disclosed data is about.
    pub grantor: DossierId,
    pub recipient: Recipient,
    pub kind: ConsentKind,
    /// Dossiers and couple records covered. An empty list covers none.
    pub dossiers: Vec<DossierId>,
    /// Data classes covered. An empty list covers none.
    pub classes: Vec<DataClass>,
    /// Whether the consent stays usable once the grantor's counselling has ended.
    pub after_end: bool,
    /// First instant at which the consent is valid (inclusive).
    #[serde(with = "rfc3339")]
    pub valid_from: Timestamp,
    /// First instant at which the consent is no longer valid (exclusive).
    /// `None` means the consent has no end date.
    #[serde(with = "rfc3339::option")]
    pub valid_until: Option<Timestamp>,
    /// Withdrawals naming this consent. Any entry stops the consent, whatever
    /// its time, because the facts are what was recorded when the policy runs.
    pub withdrawals: Vec<Withdrawal>,
}

/// Client known to the vault.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub id: DossierId,
    /// End of the person's counselling. From this instant on (inclusive) only
    /// consents with [`Consent::after_end`] set count.
    #[serde(with = "rfc3339::option")]
    pub counselling_end: Option<Timestamp>,
}

/// Everything recorded when the policy runs: clients, and consents with
/// their withdrawals.
///
/// Derives `Serialize` but not `Deserialize`, because it borrows its slices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Facts<'a> {
    pub persons: &'a [Person],
    pub consents: &'a [Consent],
}

/// Disclosure rule that decided an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Rule {
    /// Data about a person may go to that person without consent, except
    /// working notes.
    R1,
    /// Data about a person may go to someone else only under an active consent
    /// of that person naming the recipient. An item about several persons
    /// needs such a consent from each of them except the recipient.
    R2,
    /// A partner-exchange consent never covers a third party. A third party
    /// needs a third-party consent naming it from every person the item is
    /// about.
    R3,
    /// A consent counts after the end of the grantor's counselling only if it
    /// explicitly covers that period.
    R4,
    /// A recorded withdrawal stops all later disclosures under the consents it
    /// names. A withdrawal not received in writing suspends them pending
    /// written confirmation.
    R6,
    /// A consent is active only from its start (inclusive) until its end
    /// (exclusive).
    R7,
    /// Single-request consents, which are not supported yet and never used.
    R8,
    /// Paying, being the registered contact or being the partner grants no
    /// access by itself. [`decide`] never returns this rule because
    /// partnership is not one of its inputs, so a partner without consent is
    /// withheld under [`Rule::R2`].
    R9,
    /// Working notes are never disclosed, not even to the person they are
    /// about.
    R10,
    /// A partly allowed request discloses the allowed items and withholds the
    /// rest, each with its reason. [`decide`] meets this rule by returning one
    /// decision per item, and never returns it for an item.
    R11,
}

impl Rule {
    /// Returns the rule's short code, such as `"R1"`.
    pub fn code(&self) -> &'static str {
        match self {
            Rule::R1 => "R1",
            Rule::R2 => "R2",
            Rule::R3 => "R3",
            Rule::R4 => "R4",
            Rule::R6 => "R6",
            Rule::R7 => "R7",
            Rule::R8 => "R8",
            Rule::R9 => "R9",
            Rule::R10 => "R10",
            Rule::R11 => "R11",
        }
    }
}

/// Outcome for one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Verdict {
    Allow,
    Withhold,
}

/// Ground for allowing or withholding an item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reason {
    /// The item is only about the recipient (rule R1).
    OwnData,
    /// Every person the item is about, other than the recipient, has a usable
    /// consent for the recipient (rule R2, or R3 for a third party).
    ConsentGiven { grantors: Vec<DossierId> },
    /// The item is a working note (rule R10).
    WorkingNote,
    /// The person has no consent naming this recipient (rule R2, or R3 for a
    /// third party).
    NoConsent { missing_from: DossierId },
    /// The person's consent for this third party is a partner-exchange
    /// consent (rule R3).
    PartnerConsentNotForThirdParty { grantor: DossierId, consent: TokenId },
    /// The person's consent for this person recipient is a third-party
    /// consent, which covers only third parties (rule R2).
    ThirdPartyConsentNotForPerson { grantor: DossierId, consent: TokenId },
    /// The grantor's counselling has ended and the consent does not cover the
    /// period after the end (rule R4).
    NotValidAfterEnd { grantor: DossierId, consent: TokenId },
    /// The consent has a recorded withdrawal (rule R6). `in_writing` is false
    /// when no withdrawal of it was received in writing, which suspends the
    /// consent pending written confirmation.
    Withdrawn {
        grantor: DossierId,
        consent: TokenId,
        in_writing: bool,
    },
    /// The request time is at or after the consent's `valid_until` (rule R7).
    Expired {
        grantor: DossierId,
        consent: TokenId,
        #[serde(with = "rfc3339")]
        until: Timestamp,
    },
    /// The request time is before the consent's `valid_from` (rule R7).
    NotYetValid {
        grantor: DossierId,
        consent: TokenId,
        #[serde(with = "rfc3339")]
        from: Timestamp,
    },
    /// The consent is a single-request consent, which is not supported yet
    /// (rule R8).
    SingleRequestNotSupported { grantor: DossierId, consent: TokenId },
    /// The consent does not cover the item's dossier or data class (rule R2,
    /// or R3 for a third party).
    OutOfScope { grantor: DossierId, consent: TokenId },
    /// The item is about a person missing from [`Facts::persons`] (rule R2).
    UnknownPerson { person: DossierId },
    /// The item lists no person it is about, so nobody's consent can be
    /// checked (rule R2).
    NoDataSubject,
}

impl Reason {
    /// Returns the person whose usable consent is missing, if that is why the
    /// item was withheld.
    fn missing_from(&self) -> Option<DossierId> {
        match self {
            Reason::NoConsent { missing_from } => Some(*missing_from),
            Reason::PartnerConsentNotForThirdParty { grantor, .. }
            | Reason::ThirdPartyConsentNotForPerson { grantor, .. }
            | Reason::NotValidAfterEnd { grantor, .. }
            | Reason::Withdrawn { grantor, .. }
            | Reason::Expired { grantor, .. }
            | Reason::NotYetValid { grantor, .. }
            | Reason::SingleRequestNotSupported { grantor, .. }
            | Reason::OutOfScope { grantor, .. } => Some(*grantor),
            Reason::OwnData
            | Reason::ConsentGiven { .. }
            | Reason::WorkingNote
            | Reason::UnknownPerson { .. }
            | Reason::NoDataSubject => None,
        }
    }

    /// Ranks the reasons why a consent is unusable, lowest first. When a
    /// person has several unusable consents, the decision reports the lowest.
    fn preference(&self) -> u8 {
        match self {
            Reason::Withdrawn { .. } => 0,
            Reason::NotValidAfterEnd { .. } => 1,
            Reason::Expired { .. } => 2,
            Reason::NotYetValid { .. } => 3,
            Reason::PartnerConsentNotForThirdParty { .. } | Reason::ThirdPartyConsentNotForPerson { .. } => 4,
            Reason::SingleRequestNotSupported { .. } => 5,
            Reason::OutOfScope { .. } => 6,
            _ => u8::MAX,
        }
    }
}

/// Decision for one item of a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub item_id: String,
    pub verdict: Verdict,
    pub rule: Rule,
    pub reason: Reason,
    /// Consents the disclosure relies on, one per person other than the
    /// recipient. Empty unless the item is allowed.
    pub consents_used: Vec<TokenId>,
}

impl Decision {
    /// Returns whether the item may be disclosed.
    pub fn allowed(&self) -> bool {
        self.verdict == Verdict::Allow
    }
}

/// Decides each item of `request` on its own and returns one decision per
/// item, in request order.
///
/// Per item, in this order:
/// 1. A working note is withheld.
/// 2. An item that lists no person, or a person missing from `facts.persons`,
///    is withheld.
/// 3. An item only about the recipient is allowed as own data.
/// 4. Otherwise every person the item is about, other than the recipient,
///    needs a usable consent. That consent is granted by that person, names
///    the recipient with a kind that fits it, and covers the item's dossier
///    and class. It is not withdrawn and is valid at the request time. If the
///    person's counselling ended at or before that time, it has `after_end`.
///
/// The first person in `about` order without a usable consent withholds the
/// item. The reason then names the most specific failure among that person's
/// consents for this recipient: withdrawn, not valid after the end, expired,
/// not yet valid, wrong kind, single request, out of scope, in that order.
/// When a person has no consent for this recipient at all, the reason is
/// [`Reason::NoConsent`].
pub fn decide(request: &Request, facts: &Facts) -> Vec<Decision> {
    request
        .items
        .iter()
        .map(|item| decide_item(&request.recipient, request.time, item, facts))
        .collect()
}

/// Lists who must give or renew a consent: for each withheld decision, the
/// person without a usable consent, paired with the rule that withheld the
/// item. Each (person, rule) pair appears once, in order of first appearance.
/// Items withheld as working notes, about unknown persons or listing no
/// person are left out, because no consent would allow them.
pub fn missing_consents(decisions: &[Decision]) -> Vec<(DossierId, Rule)> {
    let mut missing: Vec<(DossierId, Rule)> = Vec::new();
    for decision in decisions.iter().filter(|decision| !decision.allowed()) {
        let Some(grantor) = decision.reason.missing_from() else {
            continue;
        };

        let entry = (grantor, decision.rule);
        if !missing.contains(&entry) {
            missing.push(entry);
        }
    }
    missing
}

fn decide_item(recipient: &Recipient, time: Timestamp, item: &Item, facts: &Facts) -> Decision {
    if item.working_note {
        return withhold(item, Rule::R10, Reason::WorkingNote);
    }

    let mut subjects: Vec<DossierId> = Vec::with_capacity(item.about.len());
    for person in &item.about {
        if !subjects.contains(person) {
            subjects.push(*person);
        }
    }
    if subjects.is_empty() {
        return withhold(item, Rule::R2, Reason::NoDataSubject);
    }
    // Checked for the recipient too: a person missing from the facts means
    // the facts are incomplete, and the policy fails closed.
    let unknown = subjects
        .iter()
        .find(|person| !facts.persons.iter().any(|known| known.id == **person));
    if let Some(person) = unknown {
        return withhold(item, Rule::R2, Reason::UnknownPerson { person: *person });
    }

    let grantors: Vec<DossierId> = subjects
        .into_iter()
        .filter(|person| !recipient.is_person(*person))
        .collect();
    if grantors.is_empty() {
        return allow(item, Rule::R1, Reason::OwnData, Vec::new());
    }

    let mut consents_used = Vec::with_capacity(grantors.len());
    for grantor in &grantors {
        match find_usable_consent(*grantor, recipient, time, item, facts) {
            Ok(consent) => consents_used.push(consent),
            Err(reason) => {
                let rule = rule_for_failure(&reason, recipient);
                return withhold(item, rule, reason);
            }
        }
    }

    let rule = if recipient.is_third_party() {
        Rule::R3
    } else {
        Rule::R2
    };
    allow(item, rule, Reason::ConsentGiven { grantors }, consents_used)
}

/// Returns the first usable consent of `grantor` for this item, or the most
/// specific reason why none of the grantor's consents for `recipient` is usable.
fn find_usable_consent(
    grantor: DossierId,
    recipient: &Recipient,
    time: Timestamp,
    item: &Item,
    facts: &Facts,
) -> Result<TokenId, Reason> {
    // Several entries for one person count as ended if any of them has ended.
    let counselling_ended = facts
        .persons
        .iter()
        .filter(|person| person.id == grantor)
        .any(|person| person.counselling_end.is_some_and(|end| end <= time));

    let candidates = facts
        .consents
        .iter()
        .filter(|consent| consent.grantor == grantor && consent.recipient.matches(recipient));

    let mut best_failure: Option<Reason> = None;
    for consent in candidates {
        let Some(failure) = check_consent(consent, recipient, time, item, counselling_ended) else {
            return Ok(consent.id);
        };

        let is_better = best_failure
            .as_ref()
            .is_none_or(|best| failure.preference() < best.preference());
        if is_better {
            best_failure = Some(failure);
        }
    }

    Err(best_failure.unwrap_or(Reason::NoConsent {
        missing_from: grantor,
    }))
}

/// Returns the most specific reason why `consent` cannot be used for this
/// item, or `None` if it can. Checks run in [`Reason::preference`] order, so
/// the first failure found is the one to report.
fn check_consent(
    consent: &Consent,
    recipient: &Recipient,
    time: Timestamp,
    item: &Item,
    counselling_ended: bool,
) -> Option<Reason> {
    let grantor = consent.grantor;
    let id = consent.id;

    if !consent.withdrawals.is_empty() {
        let in_writing = consent.withdrawals.iter().any(|withdrawal| withdrawal.in_writing);
        return Some(Reason::Withdrawn {
            grantor,
            consent: id,
            in_writing,
        });
    }

    if counselling_ended && !consent.after_end {
        return Some(Reason::NotValidAfterEnd { grantor, consent: id });
    }

    if let Some(until) = consent.valid_until {
        if time >= until {
            return Some(Reason::Expired {
                grantor,
                consent: id,
                until,
            });
        }
    }
    if time < consent.valid_from {
        return Some(Reason::NotYetValid {
            grantor,
            consent: id,
            from: consent.valid_from,
        });
    }

    match (consent.kind, recipient) {
        (ConsentKind::PartnerExchange, Recipient::Person(_))
        | (ConsentKind::ThirdParty, Recipient::ThirdParty(_)) => {}
        (ConsentKind::PartnerExchange, Recipient::ThirdParty(_)) => {
            return Some(Reason::PartnerConsentNotForThirdParty { grantor, consent: id });
        }
        (ConsentKind::ThirdParty, Recipient::Person(_)) => {
            return Some(Reason::ThirdPartyConsentNotForPerson { grantor, consent: id });
        }
        (ConsentKind::SingleRequest, _) => {
            return Some(Reason::SingleRequestNotSupported { grantor, consent: id });
        }
    }

    if !consent.dossiers.contains(&item.source) || !consent.classes.contains(&item.class) {
        return Some(Reason::OutOfScope { grantor, consent: id });
    }

    None
}

fn rule_for_failure(reason: &Reason, recipient: &Recipient) -> Rule {
    match reason {
        Reason::Withdrawn { .. } => Rule::R6,
        Reason::NotValidAfterEnd { .. } => Rule::R4,
        Reason::Expired { .. } | Reason::NotYetValid { .. } => Rule::R7,
        Reason::PartnerConsentNotForThirdParty { .. } => Rule::R3,
        Reason::SingleRequestNotSupported { .. } => Rule::R8,
        _ if recipient.is_third_party() => Rule::R3,
        _ => Rule::R2,
    }
}

fn allow(item: &Item, rule: Rule, reason: Reason, consents_used: Vec<TokenId>) -> Decision {
    Decision {
        item_id: item.id.clone(),
        verdict: Verdict::Allow,
        rule,
        reason,
        consents_used,
    }
}

fn withhold(item: &Item, rule: Rule, reason: Reason) -> Decision {
    Decision {
        item_id: item.id.clone(),
        verdict: Verdict::Withhold,
        rule,
        reason,
        consents_used: Vec::new(),
    }
}

/// Serde for timestamps as RFC 3339 strings, the same form that jiff's own
/// impls write.
///
/// NOTE: needed only because Cargo.toml does not enable jiff's `serde`
/// feature. With that feature on, the `#[serde(with)]` attributes and this
/// module can go.
mod rfc3339 {
    use jiff::Timestamp;
    use serde::{de::Error, Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(time: &Timestamp, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(time)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Timestamp, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(D::Error::custom)
    }

    pub mod option {
        use jiff::Timestamp;
        use serde::{de::Error, Deserialize, Deserializer, Serialize, Serializer};

        pub fn serialize<S: Serializer>(time: &Option<Timestamp>, serializer: S) -> Result<S::Ok, S::Error> {
            time.map(|time| time.to_string()).serialize(serializer)
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Option<Timestamp>, D::Error> {
            let text = Option::<String>::deserialize(deserializer)?;
            text.map(|text| text.parse().map_err(D::Error::custom))
                .transpose()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use proptest::prelude::*;

    const ANNA: DossierId = DossierId([1; 16]);
    const BRAM: DossierId = DossierId([2; 16]);
    const CHRIS: DossierId = DossierId([3; 16]);
    /// Couple record of Anna and Bram.
    const COUPLE: DossierId = DossierId([10; 16]);
    const STRANGER: DossierId = DossierId([99; 16]);

    const ALL_CLASSES: [DataClass; 5] = [
        DataClass::Intake,
        DataClass::Session,
        DataClass::Report,
        DataClass::Attachment,
        DataClass::Joint,
    ];

    /// Instant `hours` hours after a fixed base instant.
    fn at(hours: i64) -> Timestamp {
        Timestamp::from_second(1_740_000_000 + hours * 3600).unwrap()
    }

    fn token(n: u8) -> TokenId {
        TokenId([n; 16])
    }

    fn person(id: DossierId) -> Person {
        Person {
            id,
            counselling_end: None,
        }
    }

    fn clients() -> Vec<Person> {
        vec![person(ANNA), person(BRAM), person(CHRIS)]
    }

    fn doctor() -> Recipient {
        Recipient::ThirdParty(ThirdParty {
            name: "Dr. L. Jansen".to_string(),
            role: "general practitioner".to_string(),
        })
    }

    fn third_party(name: &str, role: &str) -> Recipient {
        Recipient::ThirdParty(ThirdParty {
            name: name.to_string(),
            role: role.to_string(),
        })
    }

    /// Partner-exchange consent valid from `at(0)` with no end, covering the
    /// grantor's own dossier and the couple record in every class.
    fn consent(n: u8, grantor: DossierId, recipient: Recipient) -> Consent {
        Consent {
            id: token(n),
            grantor,
            recipient,
            kind: ConsentKind::PartnerExchange,
            dossiers: vec![grantor, COUPLE],
            classes: ALL_CLASSES.to_vec(),
            after_end: false,
            valid_from: at(0),
            valid_until: None,
            withdrawals: Vec::new(),
        }
    }

    fn third_party_consent(n: u8, grantor: DossierId, recipient: Recipient) -> Consent {
        Consent {
            kind: ConsentKind::ThirdParty,
            ..consent(n, grantor, recipient)
        }
    }

    fn withdrawal(n: u8, in_writing: bool) -> Withdrawal {
        Withdrawal {
            id: token(n),
            in_writing,
            time: at(1),
        }
    }

    fn item(id: &str, source: DossierId, class: DataClass, about: &[DossierId]) -> Item {
        Item {
            id: id.to_string(),
            source,
            class,
            about: about.to_vec(),
            working_note: false,
        }
    }

    fn session_of(person: DossierId) -> Item {
        item("session", person, DataClass::Session, &[person])
    }

    fn joint_paragraph() -> Item {
        item("joint", COUPLE, DataClass::Joint, &[ANNA, BRAM])
    }

    /// Decides a request with a single item at `time`.
    fn decide_one(
        recipient: Recipient,
        time: Timestamp,
        item: Item,
        persons: &[Person],
        consents: &[Consent],
    ) -> Decision {
        let request = Request {
            recipient,
            time,
            items: vec![item],
        };
        let facts = Facts { persons, consents };
        let mut decisions = decide(&request, &facts);
        assert_eq!(decisions.len(), 1, "one item must give one decision");
        decisions.remove(0)
    }

    /// One table row: a single-item request and its expected decision.
    struct Case {
        name: &'static str,
        recipient: Recipient,
        time: Timestamp,
        item: Item,
        persons: Vec<Person>,
        consents: Vec<Consent>,
        verdict: Verdict,
        rule: Rule,
        reason: Reason,
        consents_used: Vec<TokenId>,
    }

    impl Case {
        /// Case at `at(2)` with all three clients known and no consents,
        /// expected to be withheld as [`Reason::NoDataSubject`] until the
        /// caller overrides the fields.
        fn new(name: &'static str, recipient: Recipient, item: Item) -> Case {
            Case {
                name,
                recipient,
                time: at(2),
                item,
                persons: clients(),
                consents: Vec::new(),
                verdict: Verdict::Withhold,
                rule: Rule::R2,
                reason: Reason::NoDataSubject,
                consents_used: Vec::new(),
            }
        }

        fn allows(mut self, rule: Rule, reason: Reason, consents_used: Vec<TokenId>) -> Case {
            self.verdict = Verdict::Allow;
            self.rule = rule;
            self.reason = reason;
            self.consents_used = consents_used;
            self
        }

        fn withholds(mut self, rule: Rule, reason: Reason) -> Case {
            self.verdict = Verdict::Withhold;
            self.rule = rule;
            self.reason = reason;
            self.consents_used = Vec::new();
            self
        }

        fn with_consents(mut self, consents: Vec<Consent>) -> Case {
            self.consents = consents;
            self
        }

        fn at_time(mut self, time: Timestamp) -> Case {
            self.time = time;
            self
        }

        fn with_persons(mut self, persons: Vec<Person>) -> Case {
            self.persons = persons;
            self
        }
    }

    fn run_cases(cases: Vec<Case>) {
        for case in cases {
            let decision = decide_one(
                case.recipient,
                case.time,
                case.item.clone(),
                &case.persons,
                &case.consents,
            );
            assert_eq!(decision.item_id, case.item.id, "case {}: item id", case.name);
            assert_eq!(decision.verdict, case.verdict, "case {}: verdict", case.name);
            assert_eq!(decision.rule, case.rule, "case {}: rule", case.name);
            assert_eq!(decision.reason, case.reason, "case {}: reason", case.name);
            assert_eq!(
                decision.consents_used, case.consents_used,
                "case {}: consents used",
                case.name
            );
        }
    }

    #[test]
    fn r1_own_data_allowed() {
        let ended = vec![
            Person {
                id: ANNA,
                counselling_end: Some(at(0)),
            },
            person(BRAM),
        ];
        run_cases(vec![
            Case::new("own session", Recipient::Person(ANNA), session_of(ANNA)).allows(
                Rule::R1,
                Reason::OwnData,
                vec![],
            ),
            Case::new(
                "own item in couple record",
                Recipient::Person(ANNA),
                item("intake", COUPLE, DataClass::Intake, &[ANNA]),
            )
            .allows(Rule::R1, Reason::OwnData, vec![]),
            Case::new(
                "subject listed twice",
                Recipient::Person(ANNA),
                item("report", ANNA, DataClass::Report, &[ANNA, ANNA]),
            )
            .allows(Rule::R1, Reason::OwnData, vec![]),
            Case::new("after counselling end", Recipient::Person(ANNA), session_of(ANNA))
                .with_persons(ended)
                .allows(Rule::R1, Reason::OwnData, vec![]),
            Case::new(
                "other person's session",
                Recipient::Person(ANNA),
                session_of(BRAM),
            )
            .withholds(Rule::R2, Reason::NoConsent { missing_from: BRAM }),
        ]);
    }

    #[test]
    fn r2_partner_needs_consent() {
        let bram_to_anna = consent(1, BRAM, Recipient::Person(ANNA));
        let anna_to_bram = consent(2, ANNA, Recipient::Person(BRAM));
        let anna_to_chris = consent(3, ANNA, Recipient::Person(CHRIS));
        let bram_to_chris = consent(4, BRAM, Recipient::Person(CHRIS));
        let bram_to_anna_intake_only = Consent {
            classes: vec![DataClass::Intake],
            ..consent(5, BRAM, Recipient::Person(ANNA))
        };
        let bram_to_anna_couple_only = Consent {
            dossiers: vec![COUPLE],
            ..consent(6, BRAM, Recipient::Person(ANNA))
        };
        let bram_to_anna_nothing = Consent {
            dossiers: Vec::new(),
            classes: Vec::new(),
            ..consent(7, BRAM, Recipient::Person(ANNA))
        };

        run_cases(vec![
            Case::new("partner with consent", Recipient::Person(ANNA), session_of(BRAM))
                .with_consents(vec![bram_to_anna.clone()])
                .allows(
                    Rule::R2,
                    Reason::ConsentGiven { grantors: vec![BRAM] },
                    vec![token(1)],
                ),
            Case::new(
                "partner without consent",
                Recipient::Person(ANNA),
                session_of(BRAM),
            )
            .withholds(Rule::R2, Reason::NoConsent { missing_from: BRAM }),
            Case::new(
                "consent naming someone else",
                Recipient::Person(ANNA),
                session_of(BRAM),
            )
            .with_consents(vec![bram_to_chris.clone()])
            .withholds(Rule::R2, Reason::NoConsent { missing_from: BRAM }),
            Case::new(
                "recipient's own consent",
                Recipient::Person(ANNA),
                session_of(BRAM),
            )
            .with_consents(vec![anna_to_bram.clone()])
            .withholds(Rule::R2, Reason::NoConsent { missing_from: BRAM }),
            Case::new(
                "joint paragraph, partner consented",
                Recipient::Person(ANNA),
                joint_paragraph(),
            )
            .with_consents(vec![bram_to_anna.clone()])
            .allows(
                Rule::R2,
                Reason::ConsentGiven { grantors: vec![BRAM] },
                vec![token(1)],
            ),
            Case::new(
                "joint paragraph, only own consent",
                Recipient::Person(BRAM),
                joint_paragraph(),
            )
            .with_consents(vec![bram_to_anna.clone()])
            .withholds(Rule::R2, Reason::NoConsent { missing_from: ANNA }),
            Case::new(
                "joint paragraph, outsider needs both",
                Recipient::Person(CHRIS),
                joint_paragraph(),
            )
            .with_consents(vec![bram_to_chris.clone()])
            .withholds(Rule::R2, Reason::NoConsent { missing_from: ANNA }),
            Case::new(
                "joint paragraph, outsider missing second",
                Recipient::Person(CHRIS),
                joint_paragraph(),
            )
            .with_consents(vec![anna_to_chris.clone()])
            .withholds(Rule::R2, Reason::NoConsent { missing_from: BRAM }),
            Case::new(
                "joint paragraph, outsider with both",
                Recipient::Person(CHRIS),
                joint_paragraph(),
            )
            .with_consents(vec![bram_to_chris.clone(), anna_to_chris.clone()])
            .allows(
                Rule::R2,
                Reason::ConsentGiven {
                    grantors: vec![ANNA, BRAM],
                },
                vec![token(3), token(4)],
            ),
            Case::new(
                "scope mismatch by class",
                Recipient::Person(ANNA),
                session_of(BRAM),
            )
            .with_consents(vec![bram_to_anna_intake_only.clone()])
            .withholds(
                Rule::R2,
                Reason::OutOfScope {
                    grantor: BRAM,
                    consent: token(5),
                },
            ),
            Case::new(
                "scope mismatch by dossier",
                Recipient::Person(ANNA),
                session_of(BRAM),
            )
            .with_consents(vec![bram_to_anna_couple_only.clone()])
            .withholds(
                Rule::R2,
                Reason::OutOfScope {
                    grantor: BRAM,
                    consent: token(6),
                },
            ),
            Case::new(
                "empty scope covers nothing",
                Recipient::Person(ANNA),
                session_of(BRAM),
            )
            .with_consents(vec![bram_to_anna_nothing])
            .withholds(
                Rule::R2,
                Reason::OutOfScope {
                    grantor: BRAM,
                    consent: token(7),
                },
            ),
            Case::new(
                "first usable consent used",
                Recipient::Person(ANNA),
                session_of(BRAM),
            )
            .with_consents(vec![
                bram_to_anna_intake_only,
                bram_to_anna_couple_only,
                bram_to_anna,
                consent(8, BRAM, Recipient::Person(ANNA)),
            ])
            .allows(
                Rule::R2,
                Reason::ConsentGiven { grantors: vec![BRAM] },
                vec![token(1)],
            ),
        ]);
    }

    #[test]
    fn r3_third_party_consents() {
        let anna_partner_exchange = consent(1, ANNA, doctor());
        let anna_to_doctor = third_party_consent(2, ANNA, doctor());
        let bram_to_doctor = third_party_consent(3, BRAM, doctor());
        let anna_to_doctor_reports = Consent {
            classes: vec![DataClass::Report],
            ..third_party_consent(4, ANNA, doctor())
        };
        let anna_to_doctor_spaced =
            third_party_consent(5, ANNA, third_party("  dr. l. JANSEN ", "General Practitioner\t"));
        let anna_to_lawyer = third_party_consent(6, ANNA, third_party("Dr. L. Jansen", "lawyer"));
        let anna_to_blank = third_party_consent(7, ANNA, third_party("  ", "general practitioner"));
        let anna_third_party_to_bram = third_party_consent(8, ANNA, Recipient::Person(BRAM));

        run_cases(vec![
            Case::new("partner-exchange consent", doctor(), session_of(ANNA))
                .with_consents(vec![anna_partner_exchange.clone()])
                .withholds(
                    Rule::R3,
                    Reason::PartnerConsentNotForThirdParty {
                        grantor: ANNA,
                        consent: token(1),
                    },
                ),
            Case::new("third-party consent", doctor(), session_of(ANNA))
                .with_consents(vec![anna_partner_exchange, anna_to_doctor.clone()])
                .allows(
                    Rule::R3,
                    Reason::ConsentGiven { grantors: vec![ANNA] },
                    vec![token(2)],
                ),
            Case::new("no consent", doctor(), session_of(ANNA))
                .withholds(Rule::R3, Reason::NoConsent { missing_from: ANNA }),
            Case::new("joint paragraph, one consent", doctor(), joint_paragraph())
                .with_consents(vec![anna_to_doctor.clone()])
                .withholds(Rule::R3, Reason::NoConsent { missing_from: BRAM }),
            Case::new("joint paragraph, both consents", doctor(), joint_paragraph())
                .with_consents(vec![bram_to_doctor, anna_to_doctor])
                .allows(
                    Rule::R3,
                    Reason::ConsentGiven {
                        grantors: vec![ANNA, BRAM],
                    },
                    vec![token(2), token(3)],
                ),
            Case::new("scope mismatch by class", doctor(), session_of(ANNA))
                .with_consents(vec![anna_to_doctor_reports])
                .withholds(
                    Rule::R3,
                    Reason::OutOfScope {
                        grantor: ANNA,
                        consent: token(4),
                    },
                ),
            Case::new("name matched ignoring case", doctor(), session_of(ANNA))
                .with_consents(vec![anna_to_doctor_spaced])
                .allows(
                    Rule::R3,
                    Reason::ConsentGiven { grantors: vec![ANNA] },
                    vec![token(5)],
                ),
            Case::new("different role", doctor(), session_of(ANNA))
                .with_consents(vec![anna_to_lawyer])
                .withholds(Rule::R3, Reason::NoConsent { missing_from: ANNA }),
            Case::new(
                "blank name never matches",
                third_party("", "general practitioner"),
                session_of(ANNA),
            )
            .with_consents(vec![anna_to_blank])
            .withholds(Rule::R3, Reason::NoConsent { missing_from: ANNA }),
            Case::new(
                "third-party consent to person",
                Recipient::Person(BRAM),
                session_of(ANNA),
            )
            .with_consents(vec![anna_third_party_to_bram])
            .withholds(
                Rule::R2,
                Reason::ThirdPartyConsentNotForPerson {
                    grantor: ANNA,
                    consent: token(8),
                },
            ),
        ]);
    }

    #[test]
    fn r4_consent_after_end() {
        let bram_ended_at = |end: Option<Timestamp>| {
            vec![
                person(ANNA),
                Person {
                    id: BRAM,
                    counselling_end: end,
                },
            ]
        };
        let during_only = consent(1, BRAM, Recipient::Person(ANNA));
        let after_end = Consent {
            after_end: true,
            ..consent(2, BRAM, Recipient::Person(ANNA))
        };
        let given_by_bram = Reason::ConsentGiven { grantors: vec![BRAM] };
        let not_after_end = Reason::NotValidAfterEnd {
            grantor: BRAM,
            consent: token(1),
        };

        run_cases(vec![
            Case::new(
                "end exactly at request",
                Recipient::Person(ANNA),
                session_of(BRAM),
            )
            .with_persons(bram_ended_at(Some(at(2))))
            .with_consents(vec![during_only.clone()])
            .withholds(Rule::R4, not_after_end.clone()),
            Case::new("end before request", Recipient::Person(ANNA), session_of(BRAM))
                .with_persons(bram_ended_at(Some(at(1))))
                .with_consents(vec![during_only.clone()])
                .withholds(Rule::R4, not_after_end),
            Case::new("end after request", Recipient::Person(ANNA), session_of(BRAM))
                .with_persons(bram_ended_at(Some(at(3))))
                .with_consents(vec![during_only.clone()])
                .allows(Rule::R2, given_by_bram.clone(), vec![token(1)]),
            Case::new("no end recorded", Recipient::Person(ANNA), session_of(BRAM))
                .with_persons(bram_ended_at(None))
                .with_consents(vec![during_only.clone()])
                .allows(Rule::R2, given_by_bram.clone(), vec![token(1)]),
            Case::new(
                "explicit after-end consent",
                Recipient::Person(ANNA),
                session_of(BRAM),
            )
            .with_persons(bram_ended_at(Some(at(2))))
            .with_consents(vec![during_only, after_end])
            .allows(Rule::R2, given_by_bram, vec![token(2)]),
            Case::new(
                "recipient's end is irrelevant",
                Recipient::Person(BRAM),
                session_of(ANNA),
            )
            .with_persons(bram_ended_at(Some(at(0))))
            .with_consents(vec![consent(3, ANNA, Recipient::Person(BRAM))])
            .allows(
                Rule::R2,
                Reason::ConsentGiven { grantors: vec![ANNA] },
                vec![token(3)],
            ),
        ]);
    }

    #[test]
    fn r6_withdrawal_stops_consent() {
        let withdrawn_with = |n: u8, withdrawals: Vec<Withdrawal>| Consent {
            withdrawals,
            ..consent(n, BRAM, Recipient::Person(ANNA))
        };
        let withdrawn = |n: u8, in_writing: bool| Reason::Withdrawn {
            grantor: BRAM,
            consent: token(n),
            in_writing,
        };
        let expired_and_withdrawn = Consent {
            valid_until: Some(at(1)),
            ..withdrawn_with(5, vec![withdrawal(51, true)])
        };
        let withdrawn_after_request = withdrawn_with(
            6,
            vec![Withdrawal {
                time: at(10),
                ..withdrawal(61, true)
            }],
        );
        let withdrawn_doctor_consent = Consent {
            withdrawals: vec![withdrawal(71, true)],
            ..third_party_consent(7, BRAM, doctor())
        };

        run_cases(vec![
            Case::new("withdrawn in writing", Recipient::Person(ANNA), session_of(BRAM))
                .with_consents(vec![withdrawn_with(1, vec![withdrawal(11, true)])])
                .withholds(Rule::R6, withdrawn(1, true)),
            Case::new(
                "withdrawn not in writing",
                Recipient::Person(ANNA),
                session_of(BRAM),
            )
            .with_consents(vec![withdrawn_with(2, vec![withdrawal(21, false)])])
            .withholds(Rule::R6, withdrawn(2, false)),
            Case::new(
                "oral then written withdrawal",
                Recipient::Person(ANNA),
                session_of(BRAM),
            )
            .with_consents(vec![withdrawn_with(
                3,
                vec![withdrawal(31, false), withdrawal(32, true)],
            )])
            .withholds(Rule::R6, withdrawn(3, true)),
            Case::new(
                "other consent still usable",
                Recipient::Person(ANNA),
                session_of(BRAM),
            )
            .with_consents(vec![
                withdrawn_with(4, vec![withdrawal(41, true)]),
                consent(9, BRAM, Recipient::Person(ANNA)),
            ])
            .allows(
                Rule::R2,
                Reason::ConsentGiven { grantors: vec![BRAM] },
                vec![token(9)],
            ),
            Case::new(
                "withdrawal beats expiry",
                Recipient::Person(ANNA),
                session_of(BRAM),
            )
            .with_consents(vec![expired_and_withdrawn])
            .withholds(Rule::R6, withdrawn(5, true)),
            Case::new(
                "withdrawal recorded later",
                Recipient::Person(ANNA),
                session_of(BRAM),
            )
            .with_consents(vec![withdrawn_after_request])
            .withholds(Rule::R6, withdrawn(6, true)),
            Case::new("third-party consent withdrawn", doctor(), session_of(BRAM))
                .with_consents(vec![withdrawn_doctor_consent])
                .withholds(Rule::R6, withdrawn(7, true)),
        ]);
    }

    #[test]
    fn r7_validity_bounds() {
        let valid = |n: u8, from: i64, until: Option<i64>| Consent {
            valid_from: at(from),
            valid_until: until.map(at),
            ..consent(n, BRAM, Recipient::Person(ANNA))
        };
        let given_by_bram = Reason::ConsentGiven { grantors: vec![BRAM] };

        run_cases(vec![
            Case::new(
                "valid_from exactly at request",
                Recipient::Person(ANNA),
                session_of(BRAM),
            )
            .with_consents(vec![valid(1, 2, Some(5))])
            .allows(Rule::R2, given_by_bram.clone(), vec![token(1)]),
            Case::new(
                "valid_until exactly at request",
                Recipient::Person(ANNA),
                session_of(BRAM),
            )
            .with_consents(vec![valid(2, 0, Some(2))])
            .withholds(
                Rule::R7,
                Reason::Expired {
                    grantor: BRAM,
                    consent: token(2),
                    until: at(2),
                },
            ),
            Case::new(
                "request just before valid_until",
                Recipient::Person(ANNA),
                session_of(BRAM),
            )
            .at_time(at(2) - jiff::SignedDuration::from_nanos(1))
            .with_consents(vec![valid(3, 0, Some(2))])
            .allows(Rule::R2, given_by_bram.clone(), vec![token(3)]),
            Case::new(
                "request before valid_from",
                Recipient::Person(ANNA),
                session_of(BRAM),
            )
            .with_consents(vec![valid(4, 3, None)])
            .withholds(
                Rule::R7,
                Reason::NotYetValid {
                    grantor: BRAM,
                    consent: token(4),
                    from: at(3),
                },
            ),
            Case::new("no end date", Recipient::Person(ANNA), session_of(BRAM))
                .at_time(at(100_000))
                .with_consents(vec![valid(5, 0, None)])
                .allows(Rule::R2, given_by_bram, vec![token(5)]),
            Case::new(
                "expiry beats not yet valid",
                Recipient::Person(ANNA),
                session_of(BRAM),
            )
            .with_consents(vec![valid(6, 5, None), valid(7, 0, Some(1))])
            .withholds(
                Rule::R7,
                Reason::Expired {
                    grantor: BRAM,
                    consent: token(7),
                    until: at(1),
                },
            ),
        ]);
    }

    #[test]
    fn r8_single_request_withheld() {
        let single = |n: u8, recipient: Recipient| Consent {
            kind: ConsentKind::SingleRequest,
            ..consent(n, BRAM, recipient)
        };

        run_cases(vec![
            Case::new(
                "single request to partner",
                Recipient::Person(ANNA),
                session_of(BRAM),
            )
            .with_consents(vec![single(1, Recipient::Person(ANNA))])
            .withholds(
                Rule::R8,
                Reason::SingleRequestNotSupported {
                    grantor: BRAM,
                    consent: token(1),
                },
            ),
            Case::new("single request to third party", doctor(), session_of(BRAM))
                .with_consents(vec![single(2, doctor())])
                .withholds(
                    Rule::R8,
                    Reason::SingleRequestNotSupported {
                        grantor: BRAM,
                        consent: token(2),
                    },
                ),
            Case::new(
                "partner exchange used instead",
                Recipient::Person(ANNA),
                session_of(BRAM),
            )
            .with_consents(vec![
                single(3, Recipient::Person(ANNA)),
                consent(4, BRAM, Recipient::Person(ANNA)),
            ])
            .allows(
                Rule::R2,
                Reason::ConsentGiven { grantors: vec![BRAM] },
                vec![token(4)],
            ),
        ]);
    }

    #[test]
    fn r9_partnership_grants_nothing() {
        // Anna and Bram share a couple record, Anna has consented to Bram, and
        // Bram has consented to a third party, but not to Anna.
        let consents = vec![
            consent(1, ANNA, Recipient::Person(BRAM)),
            third_party_consent(2, BRAM, doctor()),
        ];
        let items = vec![
            session_of(BRAM),
            item("couple intake", COUPLE, DataClass::Intake, &[BRAM]),
            joint_paragraph(),
        ];
        let request = Request {
            recipient: Recipient::Person(ANNA),
            time: at(2),
            items,
        };
        let persons = clients();
        let facts = Facts {
            persons: &persons,
            consents: &consents,
        };

        let decisions = decide(&request, &facts);

        assert_eq!(decisions.len(), 3);
        for decision in &decisions {
            assert!(!decision.allowed(), "item {} must be withheld", decision.item_id);
            assert_eq!(decision.rule, Rule::R2, "item {}: rule", decision.item_id);
            assert_eq!(
                decision.reason,
                Reason::NoConsent { missing_from: BRAM },
                "item {}: reason",
                decision.item_id
            );
        }
    }

    #[test]
    fn r10_working_notes_withheld() {
        let working_note = |about: &[DossierId]| Item {
            working_note: true,
            ..item("note", COUPLE, DataClass::Session, about)
        };
        let everyone_consents = vec![
            consent(1, ANNA, Recipient::Person(BRAM)),
            consent(2, BRAM, Recipient::Person(ANNA)),
            third_party_consent(3, ANNA, doctor()),
        ];

        run_cases(vec![
            Case::new("own working note", Recipient::Person(ANNA), working_note(&[ANNA]))
                .with_consents(everyone_consents.clone())
                .withholds(Rule::R10, Reason::WorkingNote),
            Case::new(
                "partner's note with consent",
                Recipient::Person(ANNA),
                working_note(&[BRAM]),
            )
            .with_consents(everyone_consents.clone())
            .withholds(Rule::R10, Reason::WorkingNote),
            Case::new(
                "joint working note",
                Recipient::Person(ANNA),
                working_note(&[ANNA, BRAM]),
            )
            .with_consents(everyone_consents.clone())
            .withholds(Rule::R10, Reason::WorkingNote),
            Case::new("note to third party", doctor(), working_note(&[ANNA]))
                .with_consents(everyone_consents)
                .withholds(Rule::R10, Reason::WorkingNote),
            Case::new(
                "note about unknown person",
                Recipient::Person(ANNA),
                working_note(&[STRANGER]),
            )
            .withholds(Rule::R10, Reason::WorkingNote),
        ]);
    }

    #[test]
    fn r11_partial_disclosure_per_item() {
        let consents = vec![
            Consent {
                classes: vec![DataClass::Session],
                ..consent(1, BRAM, Recipient::Person(ANNA))
            },
            Consent {
                withdrawals: vec![withdrawal(21, false)],
                ..consent(2, CHRIS, Recipient::Person(ANNA))
            },
        ];
        let note = Item {
            working_note: true,
            ..item("note", ANNA, DataClass::Session, &[ANNA])
        };
        let items = vec![
            item("own intake", ANNA, DataClass::Intake, &[ANNA]),
            session_of(BRAM),
            item("bram report", BRAM, DataClass::Report, &[BRAM]),
            note,
            session_of(CHRIS),
            item("bram intake", BRAM, DataClass::Intake, &[BRAM]),
        ];
        let request = Request {
            recipient: Recipient::Person(ANNA),
            time: at(2),
            items,
        };
        let persons = clients();
        let facts = Facts {
            persons: &persons,
            consents: &consents,
        };

        let decisions = decide(&request, &facts);

        let ids: Vec<&str> = decisions.iter().map(|d| d.item_id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "own intake",
                "session",
                "bram report",
                "note",
                "session",
                "bram intake"
            ]
        );
        let outcome: Vec<(bool, Rule)> = decisions.iter().map(|d| (d.allowed(), d.rule)).collect();
        assert_eq!(
            outcome,
            [
                (true, Rule::R1),
                (true, Rule::R2),
                (false, Rule::R2),
                (false, Rule::R10),
                (false, Rule::R6),
                (false, Rule::R2),
            ]
        );
        assert_eq!(
            decisions[2].reason,
            Reason::OutOfScope {
                grantor: BRAM,
                consent: token(1)
            }
        );
        assert_eq!(
            decisions[4].reason,
            Reason::Withdrawn {
                grantor: CHRIS,
                consent: token(2),
                in_writing: false
            }
        );
        assert_eq!(
            missing_consents(&decisions),
            [(BRAM, Rule::R2), (CHRIS, Rule::R6)]
        );
    }

    #[test]
    fn failure_preference_order() {
        let ended_bram = vec![
            person(ANNA),
            Person {
                id: BRAM,
                counselling_end: Some(at(1)),
            },
        ];
        // Each consent fails one check, listed from least to most specific.
        // Active from at(0) with no end, so only the end of counselling fails
        // for the after-end consent.
        let out_of_scope = Consent {
            after_end: true,
            classes: Vec::new(),
            ..third_party_consent(1, BRAM, doctor())
        };
        let single_request = Consent {
            after_end: true,
            kind: ConsentKind::SingleRequest,
            ..consent(2, BRAM, doctor())
        };
        let partner_exchange = Consent {
            after_end: true,
            ..consent(3, BRAM, doctor())
        };
        let not_yet_valid = Consent {
            after_end: true,
            valid_from: at(5),
            ..third_party_consent(4, BRAM, doctor())
        };
        let expired = Consent {
            after_end: true,
            valid_until: Some(at(1)),
            ..third_party_consent(5, BRAM, doctor())
        };
        let not_after_end = third_party_consent(6, BRAM, doctor());
        let withdrawn = Consent {
            after_end: true,
            withdrawals: vec![withdrawal(71, true)],
            ..third_party_consent(7, BRAM, doctor())
        };
        let ordered = [
            (
                out_of_scope,
                Rule::R3,
                Reason::OutOfScope {
                    grantor: BRAM,
                    consent: token(1),
                },
            ),
            (
                single_request,
                Rule::R8,
                Reason::SingleRequestNotSupported {
                    grantor: BRAM,
                    consent: token(2),
                },
            ),
            (
                partner_exchange,
                Rule::R3,
                Reason::PartnerConsentNotForThirdParty {
                    grantor: BRAM,
                    consent: token(3),
                },
            ),
            (
                not_yet_valid,
                Rule::R7,
                Reason::NotYetValid {
                    grantor: BRAM,
                    consent: token(4),
                    from: at(5),
                },
            ),
            (
                expired,
                Rule::R7,
                Reason::Expired {
                    grantor: BRAM,
                    consent: token(5),
                    until: at(1),
                },
            ),
            (
                not_after_end,
                Rule::R4,
                Reason::NotValidAfterEnd {
                    grantor: BRAM,
                    consent: token(6),
                },
            ),
            (
                withdrawn,
                Rule::R6,
                Reason::Withdrawn {
                    grantor: BRAM,
                    consent: token(7),
                    in_writing: true,
                },
            ),
        ];

        // With the first n consents recorded, in either order, the last one
        // of them is the most specific failure and must be reported.
        for n in 1..=ordered.len() {
            let (_, rule, reason) = &ordered[n - 1];
            let mut consents: Vec<Consent> = ordered[..n].iter().map(|(c, _, _)| c.clone()).collect();
            for pass in ["forward", "reversed"] {
                let decision = decide_one(doctor(), at(2), session_of(BRAM), &ended_bram, &consents);
                assert!(!decision.allowed(), "{n} consents {pass}: verdict");
                assert_eq!(decision.rule, *rule, "{n} consents {pass}: rule");
                assert_eq!(decision.reason, *reason, "{n} consents {pass}: reason");
                consents.reverse();
            }
        }
    }

    #[test]
    fn unknown_subjects_withheld() {
        run_cases(vec![
            Case::new("unknown partner", Recipient::Person(ANNA), session_of(STRANGER))
                .withholds(Rule::R2, Reason::UnknownPerson { person: STRANGER }),
            Case::new(
                "unknown despite consent",
                Recipient::Person(ANNA),
                session_of(STRANGER),
            )
            .with_consents(vec![consent(1, STRANGER, Recipient::Person(ANNA))])
            .withholds(Rule::R2, Reason::UnknownPerson { person: STRANGER }),
            Case::new(
                "unknown recipient's own data",
                Recipient::Person(STRANGER),
                session_of(STRANGER),
            )
            .withholds(Rule::R2, Reason::UnknownPerson { person: STRANGER }),
            Case::new(
                "unknown second subject",
                doctor(),
                item("joint", COUPLE, DataClass::Joint, &[ANNA, STRANGER]),
            )
            .with_consents(vec![third_party_consent(2, ANNA, doctor())])
            .withholds(Rule::R2, Reason::UnknownPerson { person: STRANGER }),
            Case::new(
                "no subject listed",
                Recipient::Person(ANNA),
                item("empty", ANNA, DataClass::Report, &[]),
            )
            .withholds(Rule::R2, Reason::NoDataSubject),
        ]);
    }

    #[test]
    fn missing_consents_distinct_pairs() {
        let withheld = |item_id: &str, rule: Rule, reason: Reason| Decision {
            item_id: item_id.to_string(),
            verdict: Verdict::Withhold,
            rule,
            reason,
            consents_used: Vec::new(),
        };
        let decisions = vec![
            withheld("a", Rule::R2, Reason::NoConsent { missing_from: BRAM }),
            withheld("b", Rule::R10, Reason::WorkingNote),
            withheld("c", Rule::R2, Reason::NoConsent { missing_from: BRAM }),
            Decision {
                verdict: Verdict::Allow,
                ..withheld("d", Rule::R2, Reason::ConsentGiven { grantors: vec![ANNA] })
            },
            withheld(
                "e",
                Rule::R7,
                Reason::Expired {
                    grantor: BRAM,
                    consent: token(1),
                    until: at(1),
                },
            ),
            withheld("f", Rule::R2, Reason::UnknownPerson { person: STRANGER }),
            withheld(
                "g",
                Rule::R3,
                Reason::OutOfScope {
                    grantor: ANNA,
                    consent: token(2),
                },
            ),
            withheld("h", Rule::R2, Reason::NoDataSubject),
        ];

        assert_eq!(
            missing_consents(&decisions),
            [(BRAM, Rule::R2), (BRAM, Rule::R7), (ANNA, Rule::R3)]
        );
        assert!(missing_consents(&[]).is_empty());
    }

    #[test]
    fn rule_codes_match_names() {
        let rules = [
            Rule::R1,
            Rule::R2,
            Rule::R3,
            Rule::R4,
            Rule::R6,
            Rule::R7,
            Rule::R8,
            Rule::R9,
            Rule::R10,
            Rule::R11,
        ];
        for rule in rules {
            assert_eq!(rule.code(), format!("{rule:?}"));
        }
    }

    #[test]
    fn cbor_round_trip_keeps_values() {
        let consent = Consent {
            valid_until: Some(at(5) + jiff::SignedDuration::from_nanos(123)),
            withdrawals: vec![withdrawal(11, false)],
            ..third_party_consent(1, ANNA, doctor())
        };
        let decision = Decision {
            item_id: "session".to_string(),
            verdict: Verdict::Withhold,
            rule: Rule::R7,
            reason: Reason::Expired {
                grantor: ANNA,
                consent: token(1),
                until: at(5),
            },
            consents_used: Vec::new(),
        };
        let persons = vec![
            Person {
                id: ANNA,
                counselling_end: Some(at(3)),
            },
            person(BRAM),
        ];

        let mut bytes = Vec::new();
        ciborium::into_writer(&consent, &mut bytes).unwrap();
        let read: Consent = ciborium::from_reader(bytes.as_slice()).unwrap();
        assert_eq!(read, consent);

        bytes.clear();
        ciborium::into_writer(&decision, &mut bytes).unwrap();
        let read: Decision = ciborium::from_reader(bytes.as_slice()).unwrap();
        assert_eq!(read, decision);

        bytes.clear();
        ciborium::into_writer(&persons, &mut bytes).unwrap();
        let read: Vec<Person> = ciborium::from_reader(bytes.as_slice()).unwrap();
        assert_eq!(read, persons);
    }

    #[test]
    fn timestamp_rejects_invalid_text() {
        use ciborium::Value;

        let encode_person = |end: &str| {
            let value = Value::Map(vec![
                (Value::Text("id".into()), Value::Bytes(vec![1; 16])),
                (Value::Text("counselling_end".into()), Value::Text(end.into())),
            ]);
            let mut bytes = Vec::new();
            ciborium::into_writer(&value, &mut bytes).unwrap();
            bytes
        };

        let valid = encode_person("2025-03-01T09:00:00Z");
        let read: Person = ciborium::from_reader(valid.as_slice()).unwrap();
        assert_eq!(
            read.counselling_end,
            Some("2025-03-01T09:00:00Z".parse().unwrap())
        );

        let invalid = encode_person("not a time");
        let result: Result<Person, _> = ciborium::from_reader(invalid.as_slice());
        assert!(result.is_err(), "parsed {result:?}");
    }

    // Property tests over random facts. Times are whole hours in -4..=4 so
    // that request times often fall exactly on validity bounds and ends.

    const SOURCES: [DossierId; 4] = [ANNA, BRAM, CHRIS, COUPLE];

    fn hour() -> impl Strategy<Value = Timestamp> {
        (-4i64..=4).prop_map(at)
    }

    fn recipient_strategy() -> impl Strategy<Value = Recipient> {
        prop_oneof![
            prop::sample::select(vec![ANNA, BRAM, CHRIS]).prop_map(Recipient::Person),
            prop::sample::select(vec![
                ("Dr. L. Jansen", "general practitioner"),
                (" dr. l. jansen", "GENERAL PRACTITIONER "),
                ("De Vries", "lawyer"),
            ])
            .prop_map(|(name, role)| third_party(name, role)),
        ]
    }

    fn withdrawal_strategy() -> impl Strategy<Value = Withdrawal> {
        (any::<u8>(), any::<bool>(), hour()).prop_map(|(n, in_writing, time)| Withdrawal {
            id: token(n),
            in_writing,
            time,
        })
    }

    /// Random consent, biased so that enough items get allowed. It names
    /// `recipient` with a fitting kind at least three times in four. It covers
    /// every dossier, every class, the earliest start or no end each at least
    /// half the time.
    fn consent_strategy(recipient: Recipient) -> impl Strategy<Value = Consent> {
        let fitting_kind = match recipient {
            Recipient::Person(_) => ConsentKind::PartnerExchange,
            Recipient::ThirdParty(_) => ConsentKind::ThirdParty,
        };
        let recipient = prop_oneof![3 => Just(recipient), 1 => recipient_strategy()];
        let kind = prop_oneof![
            3 => Just(fitting_kind),
            1 => prop::sample::select(vec![
                ConsentKind::PartnerExchange,
                ConsentKind::SingleRequest,
                ConsentKind::ThirdParty,
            ]),
        ];
        let withdrawals = prop_oneof![
            4 => Just(Vec::new()),
            1 => prop::collection::vec(withdrawal_strategy(), 1..=2),
        ];
        (
            prop::sample::select(vec![ANNA, BRAM, CHRIS]),
            recipient,
            kind,
            prop_oneof![
                1 => Just(SOURCES.to_vec()),
                1 => prop::sample::subsequence(SOURCES.to_vec(), 0..=SOURCES.len()),
            ],
            prop_oneof![
                1 => Just(ALL_CLASSES.to_vec()),
                1 => prop::sample::subsequence(ALL_CLASSES.to_vec(), 0..=ALL_CLASSES.len()),
            ],
            any::<bool>(),
            prop_oneof![1 => Just(at(-4)), 1 => hour()],
            prop_oneof![1 => Just(None), 1 => hour().prop_map(Some)],
            withdrawals,
        )
            .prop_map(
                |(grantor, recipient, kind, dossiers, classes, after_end, from, until, withdrawals)| {
                    Consent {
                        // Replaced by a unique id in `scenario`.
                        id: token(0),
                        grantor,
                        recipient,
                        kind,
                        dossiers,
                        classes,
                        after_end,
                        valid_from: from,
                        valid_until: until,
                        withdrawals,
                    }
                },
            )
    }

    fn item_strategy() -> impl Strategy<Value = Item> {
        (
            prop::sample::select(SOURCES.to_vec()),
            prop::sample::select(ALL_CLASSES.to_vec()),
            prop::collection::vec(prop::sample::select(vec![ANNA, BRAM, CHRIS]), 1..=2),
            prop::bool::weighted(0.2),
        )
            .prop_map(|(source, class, about, working_note)| Item {
                id: String::new(),
                source,
                class,
                about,
                working_note,
            })
    }

    /// Random persons (Anna and Bram, sometimes Chris), consents and a request.
    /// Items about Chris are about an unknown person when Chris is left out.
    fn scenario() -> impl Strategy<Value = (Vec<Person>, Vec<Consent>, Request)> {
        recipient_strategy().prop_flat_map(|recipient| {
            (
                prop::collection::vec(prop::option::weighted(0.3, hour()), 2..=3),
                prop::collection::vec(consent_strategy(recipient.clone()), 0..=10),
                Just(recipient),
                hour(),
                prop::collection::vec(item_strategy(), 1..=5),
            )
                .prop_map(|(ends, mut consents, recipient, time, mut items)| {
                    let persons = ends
                        .into_iter()
                        .zip([ANNA, BRAM, CHRIS])
                        .map(|(counselling_end, id)| Person { id, counselling_end })
                        .collect();
                    for (n, consent) in consents.iter_mut().enumerate() {
                        consent.id = token(n as u8 + 1);
                    }
                    for (n, item) in items.iter_mut().enumerate() {
                        item.id = format!("item-{n}");
                    }
                    let request = Request {
                        recipient,
                        time,
                        items,
                    };
                    (persons, consents, request)
                })
        })
    }

    fn decide_with(persons: &[Person], consents: &[Consent], request: &Request) -> Vec<Decision> {
        decide(request, &Facts { persons, consents })
    }

    /// Checks that a consent permits disclosing `item` about `subject` to
    /// `recipient` at `time`, written out apart from the policy's helpers.
    fn permits(
        consent: &Consent,
        subject: DossierId,
        recipient: &Recipient,
        time: Timestamp,
        item: &Item,
        persons: &[Person],
    ) -> bool {
        let names_recipient = match (&consent.recipient, recipient) {
            (Recipient::Person(a), Recipient::Person(b)) => a == b,
            (Recipient::ThirdParty(a), Recipient::ThirdParty(b)) => {
                !a.name.trim().is_empty()
                    && a.name.trim().to_lowercase() == b.name.trim().to_lowercase()
                    && a.role.trim().to_lowercase() == b.role.trim().to_lowercase()
            }
            _ => false,
        };
        let kind_fits = match recipient {
            Recipient::Person(_) => consent.kind == ConsentKind::PartnerExchange,
            Recipient::ThirdParty(_) => consent.kind == ConsentKind::ThirdParty,
        };
        let started = consent.valid_from <= time;
        let not_ended = match consent.valid_until {
            Some(until) => time < until,
            None => true,
        };
        let counselling_over = persons
            .iter()
            .any(|p| p.id == subject && matches!(p.counselling_end, Some(end) if end <= time));

        consent.grantor == subject
            && names_recipient
            && kind_fits
            && started
            && not_ended
            && consent.withdrawals.is_empty()
            && consent.dossiers.contains(&item.source)
            && consent.classes.contains(&item.class)
            && (consent.after_end || !counselling_over)
    }

    proptest! {
        #[test]
        fn one_decision_per_item((persons, consents, request) in scenario()) {
            let decisions = decide_with(&persons, &consents, &request);

            prop_assert_eq!(decisions.len(), request.items.len());
            for (item, decision) in request.items.iter().zip(&decisions) {
                prop_assert_eq!(&decision.item_id, &item.id);
                prop_assert!(decision.rule != Rule::R9, "R9 returned for {}", item.id);
                prop_assert!(decision.rule != Rule::R11, "R11 returned for {}", item.id);
                if !decision.allowed() {
                    prop_assert!(decision.consents_used.is_empty());
                }
            }
        }

        #[test]
        fn working_notes_never_allowed((persons, consents, request) in scenario()) {
            let decisions = decide_with(&persons, &consents, &request);

            for (item, decision) in request.items.iter().zip(&decisions) {
                if item.working_note {
                    prop_assert!(!decision.allowed(), "working note {} allowed", item.id);
                    prop_assert_eq!(decision.rule, Rule::R10);
                }
            }
        }

        #[test]
        fn withdrawal_never_allows_more(
            (persons, consents, request) in scenario(),
            index in any::<prop::sample::Index>(),
            added in withdrawal_strategy(),
        ) {
            prop_assume!(!consents.is_empty());
            let before = decide_with(&persons, &consents, &request);

            let mut withdrawn = consents.clone();
            withdrawn[index.index(consents.len())].withdrawals.push(added);
            let after = decide_with(&persons, &withdrawn, &request);

            for (old, new) in before.iter().zip(&after) {
                prop_assert!(
                    old.allowed() || !new.allowed(),
                    "withdrawal allowed {}: {:?}", new.item_id, new
                );
            }
        }

        #[test]
        fn removing_consent_never_allows_more(
            (persons, consents, request) in scenario(),
            index in any::<prop::sample::Index>(),
        ) {
            prop_assume!(!consents.is_empty());
            let before = decide_with(&persons, &consents, &request);

            let mut fewer = consents.clone();
            fewer.remove(index.index(consents.len()));
            let after = decide_with(&persons, &fewer, &request);

            for (old, new) in before.iter().zip(&after) {
                prop_assert!(
                    old.allowed() || !new.allowed(),
                    "removal allowed {}: {:?}", new.item_id, new
                );
            }
        }

        #[test]
        fn allowed_item_has_valid_consent((persons, consents, request) in scenario()) {
            let decisions = decide_with(&persons, &consents, &request);

            for (item, decision) in request.items.iter().zip(&decisions) {
                if !decision.allowed() {
                    continue;
                }
                prop_assert!(!item.working_note);
                for subject in &item.about {
                    prop_assert!(persons.iter().any(|p| p.id == *subject), "unknown {:?}", subject);
                    if request.recipient == Recipient::Person(*subject) {
                        continue;
                    }
                    let covered = decision.consents_used.iter().any(|used| {
                        consents.iter().any(|consent| {
                            consent.id == *used
                                && permits(consent, *subject, &request.recipient, request.time, item, &persons)
                        })
                    });
                    prop_assert!(
                        covered,
                        "{} allowed about {:?} without a valid consent: {:?}",
                        item.id, subject, decision
                    );
                }
            }
        }
    }
}
