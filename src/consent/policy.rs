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
///
/// `requested_at` must not be after `time`. The policy does not move a later
/// `requested_at` back to `time`, because that could let a consent issued
/// before the end of counselling count without re-verification. Used as
/// given, a later value can only withhold more: rule R5 then applies whenever
/// `requested_at` is at or after the end, and no re-verification can lie
/// between `requested_at` and `time`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    pub recipient: Recipient,
    /// Instant of the disclosure, against which validity, withdrawals and the
    /// end of counselling are judged.
    #[serde(with = "rfc3339")]
    pub time: Timestamp,
    /// Instant at which the recipient asked for the data, such as the date of
    /// an access request. Rule R5 compares it with the grantor's counselling
    /// end.
    #[serde(with = "rfc3339")]
    pub requested_at: Timestamp,
    /// Recorded request that this disclosure is for. A single-request consent
    /// counts only for the request it is bound to (rule R8), so with `None`
    /// no single-request consent counts.
    pub request_id: Option<TokenId>,
    pub items: Vec<Item>,
}

/// Kind of consent, which limits whom it can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ConsentKind {
    /// Exchange with the partner or another client. Covers only a person
    /// recipient, never a third party.
    PartnerExchange,
    /// Consent for one recorded request, named in [`Consent::request`], and
    /// usable for one disclosure only (rule R8).
    ///
    /// It covers the recipient it names, whether a person or a third party.
    /// Apart from the request binding, it follows the same rules as a
    /// partner-exchange consent for a person and a third-party consent for a
    /// third party.
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

/// Signed confirmation of a consent by its grantor. It lets a consent issued
/// before the end of counselling cover a request made after the end (rule R5).
///
/// The policy trusts that the caller verified the signature and the grantor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reverification {
    /// The confirmation token's own id, not the id of the consent it confirms.
    pub id: TokenId,
    /// Instant at which the grantor gave the confirmation.
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
    /// Instant at which the consent was issued. Rule R5 compares it with the
    /// grantor's counselling end.
    #[serde(with = "rfc3339")]
    pub issued: Timestamp,
    /// Request that a single-request consent is bound to (rule R8). Ignored
    /// for other kinds.
    pub request: Option<TokenId>,
    /// Whether an earlier disclosure already used this single-request consent
    /// (rule R8). Ignored for other kinds.
    pub used: bool,
    /// Confirmations of this consent by its grantor (rule R5), in any order.
    pub reverifications: Vec<Reverification>,
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

/// Handling of a consent that lacks the re-verification rule R5 requires.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ReverificationMode {
    /// The consent is unusable, which withholds the item unless another
    /// consent covers it.
    #[default]
    Required,
    /// The consent is usable, and the decision carries a
    /// [`Warning::ReverificationMissing`] that the caller must record in the
    /// journal with the disclosure. A practice may choose this setting.
    WarnOnly,
}

/// Everything recorded when the policy runs: clients, consents with their
/// withdrawals and re-verifications, and the practice's R5 setting.
///
/// Derives `Serialize` but not `Deserialize`, because it borrows its slices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Facts<'a> {
    pub persons: &'a [Person],
    pub consents: &'a [Consent],
    pub reverification: ReverificationMode,
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
    /// needs a consent naming it from every person the item is about.
    R3,
    /// A consent counts after the end of the grantor's counselling only if it
    /// explicitly covers that period.
    R4,
    /// For a request made at or after the end of the grantor's counselling, a
    /// consent issued before the end counts only if the grantor re-verified it
    /// at or after the request and no later than the disclosure. With
    /// [`ReverificationMode::WarnOnly`] the consent counts anyway and the
    /// decision carries a warning.
    R5,
    /// A recorded withdrawal stops all later disclosures under the consents it
    /// names. A withdrawal not received in writing suspends them pending
    /// written confirmation.
    R6,
    /// A consent is active only from its start (inclusive) until its end
    /// (exclusive).
    R7,
    /// A single-request consent counts only for the request it is bound to,
    /// and only once.
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
            Rule::R5 => "R5",
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
    /// The request was made at or after the end of the grantor's counselling,
    /// the consent was issued before the end, and the grantor has not
    /// re-verified it between `requested_at` and the disclosure (rule R5).
    ReverificationMissing {
        grantor: DossierId,
        consent: TokenId,
        #[serde(with = "rfc3339")]
        requested_at: Timestamp,
    },
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
    /// The single-request consent is bound to another request than
    /// [`Request::request_id`], or one of the two names no request (rule R8).
    SingleRequestOtherRequest { grantor: DossierId, consent: TokenId },
    /// The single-request consent is bound to this request, but an earlier
    /// disclosure already used it (rule R8).
    SingleRequestUsed { grantor: DossierId, consent: TokenId },
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
            | Reason::ReverificationMissing { grantor, .. }
            | Reason::Withdrawn { grantor, .. }
            | Reason::Expired { grantor, .. }
            | Reason::NotYetValid { grantor, .. }
            | Reason::SingleRequestOtherRequest { grantor, .. }
            | Reason::SingleRequestUsed { grantor, .. }
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
    /// [`check_consent`] runs its checks in this order too.
    fn preference(&self) -> u8 {
        match self {
            Reason::Withdrawn { .. } => 0,
            Reason::NotValidAfterEnd { .. } => 1,
            Reason::Expired { .. } => 2,
            Reason::NotYetValid { .. } => 3,
            Reason::ReverificationMissing { .. } => 4,
            Reason::PartnerConsentNotForThirdParty { .. } | Reason::ThirdPartyConsentNotForPerson { .. } => 5,
            Reason::SingleRequestOtherRequest { .. } => 6,
            Reason::SingleRequestUsed { .. } => 7,
            Reason::OutOfScope { .. } => 8,
            _ => u8::MAX,
        }
    }
}

/// Condition that did not stop an allowed item, but that the caller must
/// record in the journal with the disclosure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Warning {
    /// The disclosure relies on a consent that lacks the re-verification rule
    /// R5 requires. The policy allowed it only because
    /// [`Facts::reverification`] is [`ReverificationMode::WarnOnly`].
    ReverificationMissing { grantor: DossierId, consent: TokenId },
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
    /// Warnings about the consents in `consents_used`, which the caller must
    /// record in the journal if it discloses the item. Empty unless the item
    /// is allowed.
    pub warnings: Vec<Warning>,
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
/// 1. A working note is withheld (R10).
/// 2. An item that lists no person, or a person missing from `facts.persons`,
///    is withheld (R2).
/// 3. An item only about the recipient is allowed as own data (R1).
/// 4. Otherwise every person the item is about, other than the recipient,
///    needs a usable consent (R2 for a person recipient, R3 for a third
///    party). That consent is granted by that person and names the recipient.
///    Each such consent is then checked in this order:
///    1. It has no withdrawal (R6).
///    2. If the person's counselling ended at or before `request.time`, it
///       has `after_end` (R4).
///    3. `request.time` is within its `valid_from` (inclusive) and
///       `valid_until` (exclusive) (R7).
///    4. If the person's counselling ended at or before `request.requested_at`
///       and the consent was issued before that end, the grantor re-verified
///       it at an instant from `requested_at` to `request.time`, both
///       inclusive (R5). With [`ReverificationMode::WarnOnly`] a missing
///       re-verification only adds a warning.
///    5. Its kind fits the recipient: partner exchange for a person, third
///       party for a third party, and single request for either (R2, R3).
///    6. A single-request consent is bound to `request.request_id`, and
///       earlier disclosures have not used it (R8).
///    7. It covers the item's dossier and class (R2, R3).
///
/// Of a person's consents, the first that passes every check without a
/// warning is used. Failing that, the first that passes with a warning is
/// used, and the decision carries the warning.
///
/// The first person in `about` order without a usable consent withholds the
/// item. The reason then names the most specific failure among that person's
/// consents for this recipient, in this order of preference: withdrawn (R6),
/// not valid after the end (R4), expired, not yet valid (R7), re-verification
/// missing (R5), wrong kind (R3 for a partner-exchange consent and a third
/// party, otherwise R2), single request bound to another request, single
/// request already used (R8), out of scope (R2, or R3 for a third party).
/// When a person has no consent for this recipient at all, the reason is
/// [`Reason::NoConsent`].
pub fn decide(request: &Request, facts: &Facts) -> Vec<Decision> {
    request
        .items
        .iter()
        .map(|item| decide_item(request, item, facts))
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

fn decide_item(request: &Request, item: &Item, facts: &Facts) -> Decision {
    let recipient = &request.recipient;
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
        return allow(item, Rule::R1, Reason::OwnData, Vec::new(), Vec::new());
    }

    let mut consents_used = Vec::with_capacity(grantors.len());
    let mut warnings = Vec::new();
    for grantor in &grantors {
        match find_usable_consent(*grantor, request, item, facts) {
            Ok((consent, warning)) => {
                consents_used.push(consent);
                warnings.extend(warning);
            }
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
    allow(
        item,
        rule,
        Reason::ConsentGiven { grantors },
        consents_used,
        warnings,
    )
}

/// Returns the consent of `grantor` to use for this item, with its warning if
/// it lacks a re-verification, or the most specific reason why none of the
/// grantor's consents for the recipient is usable.
fn find_usable_consent(
    grantor: DossierId,
    request: &Request,
    item: &Item,
    facts: &Facts,
) -> Result<(TokenId, Option<Warning>), Reason> {
    // Several entries for one person are all checked, so that the strictest
    // of them applies.
    let counselling_ends: Vec<Timestamp> = facts
        .persons
        .iter()
        .filter(|person| person.id == grantor)
        .filter_map(|person| person.counselling_end)
        .collect();

    let candidates = facts
        .consents
        .iter()
        .filter(|consent| consent.grantor == grantor && consent.recipient.matches(&request.recipient));

    let mut with_warning: Option<(TokenId, Warning)> = None;
    let mut best_failure: Option<Reason> = None;
    for consent in candidates {
        match check_consent(consent, request, item, &counselling_ends, facts.reverification) {
            Ok(None) => return Ok((consent.id, None)),
            Ok(Some(warning)) => {
                if with_warning.is_none() {
                    with_warning = Some((consent.id, warning));
                }
            }
            Err(failure) => {
                let is_better = best_failure
                    .as_ref()
                    .is_none_or(|best| failure.preference() < best.preference());
                if is_better {
                    best_failure = Some(failure);
                }
            }
        }
    }

    if let Some((consent, warning)) = with_warning {
        return Ok((consent, Some(warning)));
    }
    Err(best_failure.unwrap_or(Reason::NoConsent {
        missing_from: grantor,
    }))
}

/// Checks whether `consent` can be used for this item. Returns `Ok(None)` if
/// it can, `Ok(Some(warning))` if it can only because `mode` is
/// [`ReverificationMode::WarnOnly`], and otherwise the most specific reason
/// why not. Checks run in [`Reason::preference`] order, so the first failure
/// found is the one to report.
fn check_consent(
    consent: &Consent,
    request: &Request,
    item: &Item,
    counselling_ends: &[Timestamp],
    mode: ReverificationMode,
) -> Result<Option<Warning>, Reason> {
    let grantor = consent.grantor;
    let id = consent.id;
    let time = request.time;

    if !consent.withdrawals.is_empty() {
        let in_writing = consent.withdrawals.iter().any(|withdrawal| withdrawal.in_writing);
        return Err(Reason::Withdrawn {
            grantor,
            consent: id,
            in_writing,
        });
    }

    let counselling_ended = counselling_ends.iter().any(|end| *end <= time);
    if counselling_ended && !consent.after_end {
        return Err(Reason::NotValidAfterEnd { grantor, consent: id });
    }

    if let Some(until) = consent.valid_until {
        if time >= until {
            return Err(Reason::Expired {
                grantor,
                consent: id,
                until,
            });
        }
    }
    if time < consent.valid_from {
        return Err(Reason::NotYetValid {
            grantor,
            consent: id,
            from: consent.valid_from,
        });
    }

    let mut warning = None;
    if needs_reverification(consent, request, counselling_ends) && !is_reverified(consent, request) {
        match mode {
            ReverificationMode::Required => {
                return Err(Reason::ReverificationMissing {
                    grantor,
                    consent: id,
                    requested_at: request.requested_at,
                });
            }
            ReverificationMode::WarnOnly => {
                warning = Some(Warning::ReverificationMissing { grantor, consent: id });
            }
        }
    }

    match (consent.kind, &request.recipient) {
        (ConsentKind::PartnerExchange, Recipient::Person(_))
        | (ConsentKind::ThirdParty, Recipient::ThirdParty(_))
        | (ConsentKind::SingleRequest, _) => {}
        (ConsentKind::PartnerExchange, Recipient::ThirdParty(_)) => {
            return Err(Reason::PartnerConsentNotForThirdParty { grantor, consent: id });
        }
        (ConsentKind::ThirdParty, Recipient::Person(_)) => {
            return Err(Reason::ThirdPartyConsentNotForPerson { grantor, consent: id });
        }
    }

    if consent.kind == ConsentKind::SingleRequest {
        let bound_to_this_request = consent.request.is_some() && consent.request == request.request_id;
        if !bound_to_this_request {
            return Err(Reason::SingleRequestOtherRequest { grantor, consent: id });
        }
        if consent.used {
            return Err(Reason::SingleRequestUsed { grantor, consent: id });
        }
    }

    if !consent.dossiers.contains(&item.source) || !consent.classes.contains(&item.class) {
        return Err(Reason::OutOfScope { grantor, consent: id });
    }

    Ok(warning)
}

/// Checks whether rule R5 applies: the request was made at or after an end of
/// the grantor's counselling, and the consent was issued before that end.
fn needs_reverification(consent: &Consent, request: &Request, counselling_ends: &[Timestamp]) -> bool {
    counselling_ends
        .iter()
        .any(|end| request.requested_at >= *end && consent.issued < *end)
}

/// Checks whether the grantor re-verified the consent between the request and
/// the disclosure, both inclusive.
fn is_reverified(consent: &Consent, request: &Request) -> bool {
    consent.reverifications.iter().any(|reverification| {
        request.requested_at <= reverification.time && reverification.time <= request.time
    })
}

fn rule_for_failure(reason: &Reason, recipient: &Recipient) -> Rule {
    match reason {
        Reason::Withdrawn { .. } => Rule::R6,
        Reason::NotValidAfterEnd { .. } => Rule::R4,
        Reason::ReverificationMissing { .. } => Rule::R5,
        Reason::Expired { .. } | Reason::NotYetValid { .. } => Rule::R7,
        Reason::PartnerConsentNotForThirdParty { .. } => Rule::R3,
        Reason::SingleRequestOtherRequest { .. } | Reason::SingleRequestUsed { .. } => Rule::R8,
        _ if recipient.is_third_party() => Rule::R3,
        _ => Rule::R2,
    }
}

fn allow(
    item: &Item,
    rule: Rule,
    reason: Reason,
    consents_used: Vec<TokenId>,
    warnings: Vec<Warning>,
) -> Decision {
    Decision {
        item_id: item.id.clone(),
        verdict: Verdict::Allow,
        rule,
        reason,
        consents_used,
        warnings,
    }
}

fn withhold(item: &Item, rule: Rule, reason: Reason) -> Decision {
    Decision {
        item_id: item.id.clone(),
        verdict: Verdict::Withhold,
        rule,
        reason,
        consents_used: Vec::new(),
        warnings: Vec::new(),
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

    /// Partner-exchange consent issued and valid from `at(0)` with no end,
    /// covering the grantor's own dossier and the couple record in every
    /// class.
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
            issued: at(0),
            request: None,
            used: false,
            reverifications: Vec::new(),
        }
    }

    fn third_party_consent(n: u8, grantor: DossierId, recipient: Recipient) -> Consent {
        Consent {
            kind: ConsentKind::ThirdParty,
            ..consent(n, grantor, recipient)
        }
    }

    fn reverification(n: u8, time: Timestamp) -> Reverification {
        Reverification { id: token(n), time }
    }

    fn seconds(n: i64) -> jiff::SignedDuration {
        jiff::SignedDuration::from_secs(n)
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

    /// Request for `items` at `time`, made an hour earlier and linked to no
    /// recorded request.
    fn request_at(recipient: Recipient, time: Timestamp, items: Vec<Item>) -> Request {
        Request {
            recipient,
            time,
            requested_at: time - seconds(3600),
            request_id: None,
            items,
        }
    }

    /// Decides a request with a single item.
    fn decide_one(
        request: Request,
        persons: &[Person],
        consents: &[Consent],
        mode: ReverificationMode,
    ) -> Decision {
        assert_eq!(request.items.len(), 1, "request must have one item");
        let facts = Facts {
            persons,
            consents,
            reverification: mode,
        };
        let mut decisions = decide(&request, &facts);
        assert_eq!(decisions.len(), 1, "one item must give one decision");
        decisions.remove(0)
    }

    /// One table row: a single-item request and its expected decision.
    struct Case {
        name: &'static str,
        recipient: Recipient,
        time: Timestamp,
        requested_at: Timestamp,
        request_id: Option<TokenId>,
        item: Item,
        persons: Vec<Person>,
        consents: Vec<Consent>,
        mode: ReverificationMode,
        verdict: Verdict,
        rule: Rule,
        reason: Reason,
        consents_used: Vec<TokenId>,
        warnings: Vec<Warning>,
    }

    impl Case {
        /// Case at `at(2)`, requested at `at(1)` and linked to no recorded
        /// request, with all three clients known, no consents and
        /// re-verification required. It expects a withhold as
        /// [`Reason::NoDataSubject`] until the caller overrides the fields.
        fn new(name: &'static str, recipient: Recipient, item: Item) -> Case {
            Case {
                name,
                recipient,
                time: at(2),
                requested_at: at(1),
                request_id: None,
                item,
                persons: clients(),
                consents: Vec::new(),
                mode: ReverificationMode::Required,
                verdict: Verdict::Withhold,
                rule: Rule::R2,
                reason: Reason::NoDataSubject,
                consents_used: Vec::new(),
                warnings: Vec::new(),
            }
        }

        fn allows(mut self, rule: Rule, reason: Reason, consents_used: Vec<TokenId>) -> Case {
            self.verdict = Verdict::Allow;
            self.rule = rule;
            self.reason = reason;
            self.consents_used = consents_used;
            self
        }

        /// Expects these warnings on an allowed item.
        fn warns(mut self, warnings: Vec<Warning>) -> Case {
            self.warnings = warnings;
            self
        }

        fn withholds(mut self, rule: Rule, reason: Reason) -> Case {
            self.verdict = Verdict::Withhold;
            self.rule = rule;
            self.reason = reason;
            self.consents_used = Vec::new();
            self.warnings = Vec::new();
            self
        }

        fn requested(mut self, requested_at: Timestamp) -> Case {
            self.requested_at = requested_at;
            self
        }

        fn answering(mut self, request_id: Option<TokenId>) -> Case {
            self.request_id = request_id;
            self
        }

        fn in_mode(mut self, mode: ReverificationMode) -> Case {
            self.mode = mode;
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
            let request = Request {
                recipient: case.recipient,
                time: case.time,
                requested_at: case.requested_at,
                request_id: case.request_id,
                items: vec![case.item.clone()],
            };
            let decision = decide_one(request, &case.persons, &case.consents, case.mode);
            assert_eq!(decision.item_id, case.item.id, "case {}: item id", case.name);
            assert_eq!(decision.verdict, case.verdict, "case {}: verdict", case.name);
            assert_eq!(decision.rule, case.rule, "case {}: rule", case.name);
            assert_eq!(decision.reason, case.reason, "case {}: reason", case.name);
            assert_eq!(
                decision.consents_used, case.consents_used,
                "case {}: consents used",
                case.name
            );
            assert_eq!(decision.warnings, case.warnings, "case {}: warnings", case.name);
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
    fn r5_reverification_after_end() {
        // Bram's counselling ended at(2). By default Anna asked at(3), the
        // disclosure is at(4), and Bram's consent covers the period after the
        // end, was issued at(0) and has no re-verification.
        let ended = |ends: [Option<Timestamp>; 3]| -> Vec<Person> {
            [ANNA, BRAM, CHRIS]
                .into_iter()
                .zip(ends)
                .map(|(id, counselling_end)| Person { id, counselling_end })
                .collect()
        };
        let bram_ended = ended([None, Some(at(2)), None]);
        let both_ended = ended([Some(at(2)), Some(at(2)), None]);
        let after_end = |n: u8, grantor: DossierId, recipient: Recipient| Consent {
            after_end: true,
            ..consent(n, grantor, recipient)
        };
        let issued_at = |n: u8, issued: Timestamp| Consent {
            issued,
            ..after_end(n, BRAM, Recipient::Person(ANNA))
        };
        let reverified_at = |n: u8, times: &[Timestamp]| Consent {
            reverifications: times
                .iter()
                .enumerate()
                .map(|(index, time)| reverification(100 + n + index as u8, *time))
                .collect(),
            ..after_end(n, BRAM, Recipient::Person(ANNA))
        };
        let case = |name: &'static str| {
            Case::new(name, Recipient::Person(ANNA), session_of(BRAM))
                .with_persons(bram_ended.clone())
                .at_time(at(4))
                .requested(at(3))
        };
        let given_by_bram = Reason::ConsentGiven { grantors: vec![BRAM] };
        let missing = |n: u8, requested_at: Timestamp| Reason::ReverificationMissing {
            grantor: BRAM,
            consent: token(n),
            requested_at,
        };
        let warning = |grantor: DossierId, n: u8| Warning::ReverificationMissing {
            grantor,
            consent: token(n),
        };
        let warn_only = ReverificationMode::WarnOnly;

        run_cases(vec![
            case("request before end")
                .requested(at(1))
                .with_consents(vec![issued_at(1, at(0))])
                .allows(Rule::R2, given_by_bram.clone(), vec![token(1)]),
            case("request just before end")
                .requested(at(2) - seconds(1))
                .with_consents(vec![issued_at(1, at(0))])
                .allows(Rule::R2, given_by_bram.clone(), vec![token(1)]),
            case("request exactly at end")
                .requested(at(2))
                .with_consents(vec![issued_at(1, at(0))])
                .withholds(Rule::R5, missing(1, at(2))),
            case("request after end")
                .with_consents(vec![issued_at(1, at(0))])
                .withholds(Rule::R5, missing(1, at(3))),
            case("issued just before end")
                .with_consents(vec![issued_at(1, at(2) - seconds(1))])
                .withholds(Rule::R5, missing(1, at(3))),
            case("issued exactly at end")
                .with_consents(vec![issued_at(1, at(2))])
                .allows(Rule::R2, given_by_bram.clone(), vec![token(1)]),
            case("issued after request")
                .with_consents(vec![issued_at(1, at(3) + seconds(1))])
                .allows(Rule::R2, given_by_bram.clone(), vec![token(1)]),
            case("re-verified exactly at request")
                .with_consents(vec![reverified_at(1, &[at(3)])])
                .allows(Rule::R2, given_by_bram.clone(), vec![token(1)]),
            case("re-verified a second before request")
                .with_consents(vec![reverified_at(1, &[at(3) - seconds(1)])])
                .withholds(Rule::R5, missing(1, at(3))),
            case("re-verified before end")
                .with_consents(vec![reverified_at(1, &[at(1)])])
                .withholds(Rule::R5, missing(1, at(3))),
            case("re-verified between request and disclosure")
                .with_consents(vec![reverified_at(1, &[at(3) + seconds(1800)])])
                .allows(Rule::R2, given_by_bram.clone(), vec![token(1)]),
            case("re-verified exactly at disclosure")
                .with_consents(vec![reverified_at(1, &[at(4)])])
                .allows(Rule::R2, given_by_bram.clone(), vec![token(1)]),
            case("re-verified a second after disclosure")
                .with_consents(vec![reverified_at(1, &[at(4) + seconds(1)])])
                .withholds(Rule::R5, missing(1, at(3))),
            case("one re-verification in window")
                .with_consents(vec![reverified_at(
                    1,
                    &[at(3) - seconds(1), at(4) + seconds(1), at(3) + seconds(1)],
                )])
                .allows(Rule::R2, given_by_bram.clone(), vec![token(1)]),
            case("other consent re-verified")
                .with_consents(vec![issued_at(1, at(0)), reverified_at(2, &[at(3)])])
                .allows(Rule::R2, given_by_bram.clone(), vec![token(2)]),
            case("R4 reported before R5")
                .with_consents(vec![consent(1, BRAM, Recipient::Person(ANNA))])
                .withholds(
                    Rule::R4,
                    Reason::NotValidAfterEnd {
                        grantor: BRAM,
                        consent: token(1),
                    },
                ),
            case("no end recorded")
                .with_persons(clients())
                .with_consents(vec![issued_at(1, at(0))])
                .allows(Rule::R2, given_by_bram.clone(), vec![token(1)]),
            Case::new(
                "recipient's end is irrelevant",
                Recipient::Person(BRAM),
                session_of(ANNA),
            )
            .with_persons(bram_ended.clone())
            .at_time(at(4))
            .requested(at(3))
            .with_consents(vec![consent(1, ANNA, Recipient::Person(BRAM))])
            .allows(
                Rule::R2,
                Reason::ConsentGiven { grantors: vec![ANNA] },
                vec![token(1)],
            ),
            Case::new("third party", doctor(), session_of(BRAM))
                .with_persons(bram_ended.clone())
                .at_time(at(4))
                .requested(at(3))
                .with_consents(vec![Consent {
                    kind: ConsentKind::ThirdParty,
                    ..after_end(1, BRAM, doctor())
                }])
                .withholds(Rule::R5, missing(1, at(3))),
            Case::new(
                "joint paragraph, ended partner",
                Recipient::Person(CHRIS),
                joint_paragraph(),
            )
            .with_persons(bram_ended.clone())
            .at_time(at(4))
            .requested(at(3))
            .with_consents(vec![
                consent(1, ANNA, Recipient::Person(CHRIS)),
                after_end(2, BRAM, Recipient::Person(CHRIS)),
            ])
            .withholds(Rule::R5, missing(2, at(3))),
            // Used as given, a request time after the disclosure makes R5
            // apply although the counselling had not ended at the disclosure.
            case("requested after disclosure")
                .at_time(at(1))
                .requested(at(3))
                .with_consents(vec![consent(1, BRAM, Recipient::Person(ANNA))])
                .withholds(Rule::R5, missing(1, at(3))),
            case("requested after disclosure, issued after end")
                .at_time(at(3))
                .requested(at(4))
                .with_consents(vec![issued_at(1, at(2))])
                .allows(Rule::R2, given_by_bram.clone(), vec![token(1)]),
            case("warn-only allows with warning")
                .in_mode(warn_only)
                .with_consents(vec![issued_at(1, at(0))])
                .allows(Rule::R2, given_by_bram.clone(), vec![token(1)])
                .warns(vec![warning(BRAM, 1)]),
            Case::new("warn-only, third party", doctor(), session_of(BRAM))
                .with_persons(bram_ended.clone())
                .at_time(at(4))
                .requested(at(3))
                .in_mode(warn_only)
                .with_consents(vec![Consent {
                    kind: ConsentKind::ThirdParty,
                    ..after_end(1, BRAM, doctor())
                }])
                .allows(Rule::R3, given_by_bram.clone(), vec![token(1)])
                .warns(vec![warning(BRAM, 1)]),
            case("warn-only, re-verified")
                .in_mode(warn_only)
                .with_consents(vec![reverified_at(1, &[at(3)])])
                .allows(Rule::R2, given_by_bram.clone(), vec![token(1)]),
            case("warn-only uses first warned consent")
                .in_mode(warn_only)
                .with_consents(vec![issued_at(1, at(0)), issued_at(2, at(0))])
                .allows(Rule::R2, given_by_bram.clone(), vec![token(1)])
                .warns(vec![warning(BRAM, 1)]),
            case("warn-only prefers re-verified consent")
                .in_mode(warn_only)
                .with_consents(vec![issued_at(1, at(0)), reverified_at(2, &[at(4)])])
                .allows(Rule::R2, given_by_bram.clone(), vec![token(2)]),
            case("warn-only keeps R4")
                .in_mode(warn_only)
                .with_consents(vec![consent(1, BRAM, Recipient::Person(ANNA))])
                .withholds(
                    Rule::R4,
                    Reason::NotValidAfterEnd {
                        grantor: BRAM,
                        consent: token(1),
                    },
                ),
            case("warn-only keeps later checks")
                .in_mode(warn_only)
                .with_consents(vec![Consent {
                    classes: Vec::new(),
                    ..issued_at(1, at(0))
                }])
                .withholds(
                    Rule::R2,
                    Reason::OutOfScope {
                        grantor: BRAM,
                        consent: token(1),
                    },
                ),
            Case::new(
                "warn-only, withheld item has no warning",
                Recipient::Person(CHRIS),
                item("joint", COUPLE, DataClass::Joint, &[BRAM, ANNA]),
            )
            .with_persons(bram_ended.clone())
            .at_time(at(4))
            .requested(at(3))
            .in_mode(warn_only)
            .with_consents(vec![after_end(1, BRAM, Recipient::Person(CHRIS))])
            .withholds(Rule::R2, Reason::NoConsent { missing_from: ANNA }),
            Case::new(
                "warn-only, both partners warned",
                Recipient::Person(CHRIS),
                joint_paragraph(),
            )
            .with_persons(both_ended)
            .at_time(at(4))
            .requested(at(3))
            .in_mode(warn_only)
            .with_consents(vec![
                after_end(1, ANNA, Recipient::Person(CHRIS)),
                after_end(2, BRAM, Recipient::Person(CHRIS)),
            ])
            .allows(
                Rule::R2,
                Reason::ConsentGiven {
                    grantors: vec![ANNA, BRAM],
                },
                vec![token(1), token(2)],
            )
            .warns(vec![warning(ANNA, 1), warning(BRAM, 2)]),
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
    fn r8_single_request_bound_once() {
        let this_request = Some(token(50));
        let other_request = Some(token(51));
        let single = |n: u8, recipient: Recipient, bound: Option<TokenId>| Consent {
            kind: ConsentKind::SingleRequest,
            request: bound,
            ..consent(n, BRAM, recipient)
        };
        let case = |name: &'static str| {
            Case::new(name, Recipient::Person(ANNA), session_of(BRAM)).answering(this_request)
        };
        let given_by_bram = Reason::ConsentGiven { grantors: vec![BRAM] };
        let other = |n: u8| Reason::SingleRequestOtherRequest {
            grantor: BRAM,
            consent: token(n),
        };

        run_cases(vec![
            case("bound request matches")
                .with_consents(vec![single(1, Recipient::Person(ANNA), this_request)])
                .allows(Rule::R2, given_by_bram.clone(), vec![token(1)]),
            Case::new("bound request matches, third party", doctor(), session_of(BRAM))
                .answering(this_request)
                .with_consents(vec![single(2, doctor(), this_request)])
                .allows(Rule::R3, given_by_bram.clone(), vec![token(2)]),
            case("other request")
                .answering(other_request)
                .with_consents(vec![single(1, Recipient::Person(ANNA), this_request)])
                .withholds(Rule::R8, other(1)),
            case("no request id")
                .answering(None)
                .with_consents(vec![single(1, Recipient::Person(ANNA), this_request)])
                .withholds(Rule::R8, other(1)),
            case("consent bound to nothing")
                .with_consents(vec![single(1, Recipient::Person(ANNA), None)])
                .withholds(Rule::R8, other(1)),
            case("neither names a request")
                .answering(None)
                .with_consents(vec![single(1, Recipient::Person(ANNA), None)])
                .withholds(Rule::R8, other(1)),
            case("already used")
                .with_consents(vec![Consent {
                    used: true,
                    ..single(1, Recipient::Person(ANNA), this_request)
                }])
                .withholds(
                    Rule::R8,
                    Reason::SingleRequestUsed {
                        grantor: BRAM,
                        consent: token(1),
                    },
                ),
            case("used and other request")
                .answering(other_request)
                .with_consents(vec![Consent {
                    used: true,
                    ..single(1, Recipient::Person(ANNA), this_request)
                }])
                .withholds(Rule::R8, other(1)),
            Case::new("third party, other request", doctor(), session_of(BRAM))
                .answering(other_request)
                .with_consents(vec![single(2, doctor(), this_request)])
                .withholds(Rule::R8, other(2)),
            case("partner exchange used instead")
                .with_consents(vec![
                    single(3, Recipient::Person(ANNA), other_request),
                    consent(4, BRAM, Recipient::Person(ANNA)),
                ])
                .allows(Rule::R2, given_by_bram.clone(), vec![token(4)]),
            case("partner exchange ignores binding")
                .answering(None)
                .with_consents(vec![Consent {
                    request: other_request,
                    used: true,
                    ..consent(5, BRAM, Recipient::Person(ANNA))
                }])
                .allows(Rule::R2, given_by_bram.clone(), vec![token(5)]),
            case("bound consent out of scope")
                .with_consents(vec![Consent {
                    classes: vec![DataClass::Intake],
                    ..single(6, Recipient::Person(ANNA), this_request)
                }])
                .withholds(
                    Rule::R2,
                    Reason::OutOfScope {
                        grantor: BRAM,
                        consent: token(6),
                    },
                ),
            case("bound consent expired")
                .with_consents(vec![Consent {
                    valid_until: Some(at(1)),
                    ..single(7, Recipient::Person(ANNA), this_request)
                }])
                .withholds(
                    Rule::R7,
                    Reason::Expired {
                        grantor: BRAM,
                        consent: token(7),
                        until: at(1),
                    },
                ),
            case("bound consent for another person")
                .with_consents(vec![single(8, Recipient::Person(CHRIS), this_request)])
                .withholds(Rule::R2, Reason::NoConsent { missing_from: BRAM }),
            Case::new(
                "joint paragraph, both bound",
                Recipient::Person(CHRIS),
                joint_paragraph(),
            )
            .answering(this_request)
            .with_consents(vec![
                single(9, Recipient::Person(CHRIS), this_request),
                Consent {
                    grantor: ANNA,
                    ..single(10, Recipient::Person(CHRIS), this_request)
                },
            ])
            .allows(
                Rule::R2,
                Reason::ConsentGiven {
                    grantors: vec![ANNA, BRAM],
                },
                vec![token(10), token(9)],
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
        let request = request_at(Recipient::Person(ANNA), at(2), items);
        let persons = clients();
        let facts = Facts {
            persons: &persons,
            consents: &consents,
            reverification: ReverificationMode::Required,
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
        let request = request_at(Recipient::Person(ANNA), at(2), items);
        let persons = clients();
        let facts = Facts {
            persons: &persons,
            consents: &consents,
            reverification: ReverificationMode::Required,
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
        // Bram's counselling ended at(1), the request was made at(1) and the
        // disclosure is at(2). It is for request 50.
        let ended_bram = vec![
            person(ANNA),
            Person {
                id: BRAM,
                counselling_end: Some(at(1)),
            },
        ];
        let request = Request {
            requested_at: at(1),
            request_id: Some(token(50)),
            ..request_at(doctor(), at(2), vec![session_of(BRAM)])
        };
        // Each consent fails one check, listed from least to most specific.
        // All are active from at(0) with no end and cover the period after
        // the end. Those meant to fail a check after R5 are issued at the
        // end, so that R5 does not apply to them.
        let at_end = |consent: Consent| Consent {
            after_end: true,
            issued: at(1),
            ..consent
        };
        let single_request = |n: u8, bound: u8, used: bool| {
            at_end(Consent {
                kind: ConsentKind::SingleRequest,
                request: Some(token(bound)),
                used,
                ..consent(n, BRAM, doctor())
            })
        };
        let out_of_scope = at_end(Consent {
            classes: Vec::new(),
            ..third_party_consent(1, BRAM, doctor())
        });
        let single_request_used = single_request(2, 50, true);
        let single_request_other = single_request(3, 51, false);
        let partner_exchange = at_end(consent(4, BRAM, doctor()));
        let reverification_missing = Consent {
            after_end: true,
            ..third_party_consent(5, BRAM, doctor())
        };
        let not_yet_valid = Consent {
            after_end: true,
            valid_from: at(5),
            ..third_party_consent(6, BRAM, doctor())
        };
        let expired = Consent {
            after_end: true,
            valid_until: Some(at(1)),
            ..third_party_consent(7, BRAM, doctor())
        };
        let not_after_end = third_party_consent(8, BRAM, doctor());
        let withdrawn = Consent {
            after_end: true,
            withdrawals: vec![withdrawal(71, true)],
            ..third_party_consent(9, BRAM, doctor())
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
                single_request_used,
                Rule::R8,
                Reason::SingleRequestUsed {
                    grantor: BRAM,
                    consent: token(2),
                },
            ),
            (
                single_request_other,
                Rule::R8,
                Reason::SingleRequestOtherRequest {
                    grantor: BRAM,
                    consent: token(3),
                },
            ),
            (
                partner_exchange,
                Rule::R3,
                Reason::PartnerConsentNotForThirdParty {
                    grantor: BRAM,
                    consent: token(4),
                },
            ),
            (
                reverification_missing,
                Rule::R5,
                Reason::ReverificationMissing {
                    grantor: BRAM,
                    consent: token(5),
                    requested_at: at(1),
                },
            ),
            (
                not_yet_valid,
                Rule::R7,
                Reason::NotYetValid {
                    grantor: BRAM,
                    consent: token(6),
                    from: at(5),
                },
            ),
            (
                expired,
                Rule::R7,
                Reason::Expired {
                    grantor: BRAM,
                    consent: token(7),
                    until: at(1),
                },
            ),
            (
                not_after_end,
                Rule::R4,
                Reason::NotValidAfterEnd {
                    grantor: BRAM,
                    consent: token(8),
                },
            ),
            (
                withdrawn,
                Rule::R6,
                Reason::Withdrawn {
                    grantor: BRAM,
                    consent: token(9),
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
                let decision = decide_one(
                    request.clone(),
                    &ended_bram,
                    &consents,
                    ReverificationMode::Required,
                );
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
            warnings: Vec::new(),
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
            Rule::R5,
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
            kind: ConsentKind::SingleRequest,
            valid_until: Some(at(5) + jiff::SignedDuration::from_nanos(123)),
            withdrawals: vec![withdrawal(11, false)],
            issued: at(-1) + jiff::SignedDuration::from_nanos(7),
            request: Some(token(50)),
            used: true,
            reverifications: vec![reverification(12, at(3))],
            ..third_party_consent(1, ANNA, doctor())
        };
        let withheld = Decision {
            item_id: "session".to_string(),
            verdict: Verdict::Withhold,
            rule: Rule::R5,
            reason: Reason::ReverificationMissing {
                grantor: ANNA,
                consent: token(1),
                requested_at: at(4),
            },
            consents_used: Vec::new(),
            warnings: Vec::new(),
        };
        let warned = Decision {
            item_id: "report".to_string(),
            verdict: Verdict::Allow,
            rule: Rule::R3,
            reason: Reason::ConsentGiven { grantors: vec![ANNA] },
            consents_used: vec![token(1)],
            warnings: vec![Warning::ReverificationMissing {
                grantor: ANNA,
                consent: token(1),
            }],
        };
        let request = Request {
            request_id: Some(token(50)),
            ..request_at(doctor(), at(5), vec![session_of(ANNA)])
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

        for decision in [withheld, warned] {
            bytes.clear();
            ciborium::into_writer(&decision, &mut bytes).unwrap();
            let read: Decision = ciborium::from_reader(bytes.as_slice()).unwrap();
            assert_eq!(read, decision);
        }

        bytes.clear();
        ciborium::into_writer(&request, &mut bytes).unwrap();
        let read: Request = ciborium::from_reader(bytes.as_slice()).unwrap();
        assert_eq!(read, request);

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
    // that request times often fall exactly on validity bounds, ends, issue
    // times and re-verifications.

    const SOURCES: [DossierId; 4] = [ANNA, BRAM, CHRIS, COUPLE];

    /// Request ids that single-request consents and requests draw from, so
    /// that bindings often match.
    const REQUEST_IDS: [TokenId; 2] = [TokenId([200; 16]), TokenId([201; 16])];

    fn hour() -> impl Strategy<Value = Timestamp> {
        (-4i64..=4).prop_map(at)
    }

    fn request_id_strategy() -> impl Strategy<Value = Option<TokenId>> {
        prop_oneof![
            1 => Just(None),
            3 => prop::sample::select(REQUEST_IDS.to_vec()).prop_map(Some),
        ]
    }

    fn mode_strategy() -> impl Strategy<Value = ReverificationMode> {
        prop::sample::select(vec![ReverificationMode::Required, ReverificationMode::WarnOnly])
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

    fn reverification_strategy() -> impl Strategy<Value = Reverification> {
        (any::<u8>(), hour()).prop_map(|(n, time)| reverification(n, time))
    }

    /// Random consent, biased so that enough items get allowed. It names
    /// `recipient` at least three times in four, with a fitting kind at least
    /// three times in five and a single-request kind at least one time in
    /// five. It
    /// covers every dossier, every class, the earliest start or no end each
    /// at least half the time.
    fn consent_strategy(recipient: Recipient) -> impl Strategy<Value = Consent> {
        let fitting_kind = match recipient {
            Recipient::Person(_) => ConsentKind::PartnerExchange,
            Recipient::ThirdParty(_) => ConsentKind::ThirdParty,
        };
        let recipient = prop_oneof![3 => Just(recipient), 1 => recipient_strategy()];
        let kind = prop_oneof![
            3 => Just(fitting_kind),
            1 => Just(ConsentKind::SingleRequest),
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
        let reverifications = prop_oneof![
            1 => Just(Vec::new()),
            1 => prop::collection::vec(reverification_strategy(), 1..=2),
        ];
        let terms = (
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
        );
        let history = (
            withdrawals,
            hour(),
            request_id_strategy(),
            prop::bool::weighted(0.3),
            reverifications,
        );
        (terms, history).prop_map(
            |(
                (grantor, recipient, kind, dossiers, classes, after_end, from, until),
                (withdrawals, issued, request, used, reverifications),
            )| {
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
                    issued,
                    request,
                    used,
                    reverifications,
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

    /// Random persons (Anna and Bram, sometimes Chris), consents, a request
    /// and a re-verification mode. Items about Chris are about an unknown
    /// person when Chris is left out. Nine times in ten `requested_at` is no
    /// later than the disclosure time, and otherwise it is any hour.
    fn scenario() -> impl Strategy<Value = (Vec<Person>, Vec<Consent>, Request, ReverificationMode)> {
        recipient_strategy().prop_flat_map(|recipient| {
            (
                prop::collection::vec(prop::option::weighted(0.5, hour()), 2..=3),
                prop::collection::vec(consent_strategy(recipient.clone()), 0..=10),
                Just(recipient),
                (hour(), hour(), prop::bool::weighted(0.9)),
                request_id_strategy(),
                prop::collection::vec(item_strategy(), 1..=5),
                mode_strategy(),
            )
                .prop_map(
                    |(
                        ends,
                        mut consents,
                        recipient,
                        (time, requested_at, ordered),
                        request_id,
                        mut items,
                        mode,
                    )| {
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
                        let requested_at = if ordered {
                            requested_at.min(time)
                        } else {
                            requested_at
                        };
                        let request = Request {
                            recipient,
                            time,
                            requested_at,
                            request_id,
                            items,
                        };
                        (persons, consents, request, mode)
                    },
                )
        })
    }

    fn decide_with(
        persons: &[Person],
        consents: &[Consent],
        request: &Request,
        mode: ReverificationMode,
    ) -> Vec<Decision> {
        decide(
            request,
            &Facts {
                persons,
                consents,
                reverification: mode,
            },
        )
    }

    /// Usability of a consent for one item, as [`permits`] judges it.
    #[derive(Debug, PartialEq, Eq)]
    enum Usability {
        Usable,
        UsableWithWarning,
        Unusable,
    }

    /// Checks whether a consent permits disclosing `item` about `subject` for
    /// `request`, written out apart from the policy's helpers.
    fn permits(
        consent: &Consent,
        subject: DossierId,
        request: &Request,
        item: &Item,
        persons: &[Person],
        mode: ReverificationMode,
    ) -> Usability {
        let time = request.time;
        let names_recipient = match (&consent.recipient, &request.recipient) {
            (Recipient::Person(a), Recipient::Person(b)) => a == b,
            (Recipient::ThirdParty(a), Recipient::ThirdParty(b)) => {
                !a.name.trim().is_empty()
                    && a.name.trim().to_lowercase() == b.name.trim().to_lowercase()
                    && a.role.trim().to_lowercase() == b.role.trim().to_lowercase()
            }
            _ => false,
        };
        let kind_fits = match (consent.kind, &request.recipient) {
            (ConsentKind::PartnerExchange, Recipient::Person(_)) => true,
            (ConsentKind::ThirdParty, Recipient::ThirdParty(_)) => true,
            (ConsentKind::SingleRequest, _) => {
                consent.request.is_some() && consent.request == request.request_id && !consent.used
            }
            _ => false,
        };
        let started = consent.valid_from <= time;
        let not_ended = match consent.valid_until {
            Some(until) => time < until,
            None => true,
        };
        let ends: Vec<Timestamp> = persons
            .iter()
            .filter(|p| p.id == subject)
            .filter_map(|p| p.counselling_end)
            .collect();
        let counselling_over = ends.iter().any(|end| *end <= time);
        let needs_reverification = ends
            .iter()
            .any(|end| request.requested_at >= *end && consent.issued < *end);
        let reverified = consent
            .reverifications
            .iter()
            .any(|r| request.requested_at <= r.time && r.time <= time);

        let usable_apart_from_r5 = consent.grantor == subject
            && names_recipient
            && kind_fits
            && started
            && not_ended
            && consent.withdrawals.is_empty()
            && consent.dossiers.contains(&item.source)
            && consent.classes.contains(&item.class)
            && (consent.after_end || !counselling_over);
        if !usable_apart_from_r5 {
            Usability::Unusable
        } else if !needs_reverification || reverified {
            Usability::Usable
        } else if mode == ReverificationMode::WarnOnly {
            Usability::UsableWithWarning
        } else {
            Usability::Unusable
        }
    }

    proptest! {
        #[test]
        fn one_decision_per_item((persons, consents, request, mode) in scenario()) {
            let decisions = decide_with(&persons, &consents, &request, mode);

            prop_assert_eq!(decisions.len(), request.items.len());
            for (item, decision) in request.items.iter().zip(&decisions) {
                prop_assert_eq!(&decision.item_id, &item.id);
                prop_assert!(decision.rule != Rule::R9, "R9 returned for {}", item.id);
                prop_assert!(decision.rule != Rule::R11, "R11 returned for {}", item.id);
                if !decision.allowed() {
                    prop_assert!(decision.consents_used.is_empty());
                    prop_assert!(decision.warnings.is_empty());
                }
                if mode == ReverificationMode::Required {
                    prop_assert!(decision.warnings.is_empty(), "warning in Required mode: {:?}", decision);
                }
                for warning in &decision.warnings {
                    let Warning::ReverificationMissing { consent, .. } = warning;
                    prop_assert!(decision.consents_used.contains(consent), "warning about unused consent: {:?}", decision);
                }
            }
        }

        #[test]
        fn working_notes_never_allowed((persons, consents, request, mode) in scenario()) {
            let decisions = decide_with(&persons, &consents, &request, mode);

            for (item, decision) in request.items.iter().zip(&decisions) {
                if item.working_note {
                    prop_assert!(!decision.allowed(), "working note {} allowed", item.id);
                    prop_assert_eq!(decision.rule, Rule::R10);
                }
            }
        }

        #[test]
        fn withdrawal_never_allows_more(
            (persons, consents, request, mode) in scenario(),
            index in any::<prop::sample::Index>(),
            added in withdrawal_strategy(),
        ) {
            prop_assume!(!consents.is_empty());
            let before = decide_with(&persons, &consents, &request, mode);

            let mut withdrawn = consents.clone();
            withdrawn[index.index(consents.len())].withdrawals.push(added);
            let after = decide_with(&persons, &withdrawn, &request, mode);

            for (old, new) in before.iter().zip(&after) {
                prop_assert!(
                    old.allowed() || !new.allowed(),
                    "withdrawal allowed {}: {:?}", new.item_id, new
                );
            }
        }

        #[test]
        fn removing_consent_never_allows_more(
            (persons, consents, request, mode) in scenario(),
            index in any::<prop::sample::Index>(),
        ) {
            prop_assume!(!consents.is_empty());
            let before = decide_with(&persons, &consents, &request, mode);

            let mut fewer = consents.clone();
            fewer.remove(index.index(consents.len()));
            let after = decide_with(&persons, &fewer, &request, mode);

            for (old, new) in before.iter().zip(&after) {
                prop_assert!(
                    old.allowed() || !new.allowed(),
                    "removal allowed {}: {:?}", new.item_id, new
                );
            }
        }

        #[test]
        fn allowed_item_has_valid_consent((persons, consents, request, mode) in scenario()) {
            let decisions = decide_with(&persons, &consents, &request, mode);

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
                            let warned = decision.warnings.contains(&Warning::ReverificationMissing {
                                grantor: *subject,
                                consent: consent.id,
                            });
                            consent.id == *used
                                && match permits(consent, *subject, &request, item, &persons, mode) {
                                    Usability::Usable => !warned,
                                    Usability::UsableWithWarning => warned,
                                    Usability::Unusable => false,
                                }
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

        #[test]
        fn warn_only_never_withholds_more((persons, consents, request, _mode) in scenario()) {
            let required = decide_with(&persons, &consents, &request, ReverificationMode::Required);
            let warn_only = decide_with(&persons, &consents, &request, ReverificationMode::WarnOnly);

            for (strict, lenient) in required.iter().zip(&warn_only) {
                if strict.allowed() {
                    prop_assert_eq!(lenient, strict);
                } else if lenient.allowed() {
                    prop_assert!(
                        !lenient.warnings.is_empty(),
                        "{} allowed only in warn-only mode, without a warning: {:?}",
                        lenient.item_id, lenient
                    );
                }
            }
        }

        #[test]
        fn reverification_never_withholds_more(
            (persons, consents, request, mode) in scenario(),
            index in any::<prop::sample::Index>(),
            added in reverification_strategy(),
        ) {
            prop_assume!(!consents.is_empty());
            let before = decide_with(&persons, &consents, &request, mode);

            let mut reverified = consents.clone();
            reverified[index.index(consents.len())].reverifications.push(added);
            let after = decide_with(&persons, &reverified, &request, mode);

            for (old, new) in before.iter().zip(&after) {
                prop_assert!(
                    !old.allowed() || new.allowed(),
                    "re-verification withheld {}: {:?}", new.item_id, new
                );
            }
        }

        #[test]
        fn marking_used_never_widens(
            (persons, consents, request, mode) in scenario(),
            marks in prop::collection::vec(any::<bool>(), 10),
        ) {
            let before = decide_with(&persons, &consents, &request, mode);

            // Marks a random subset of the single-request consents as used.
            let mut used = consents.clone();
            for (consent, mark) in used.iter_mut().zip(&marks) {
                if *mark && consent.kind == ConsentKind::SingleRequest {
                    consent.used = true;
                }
            }
            let after = decide_with(&persons, &used, &request, mode);

            for (old, new) in before.iter().zip(&after) {
                prop_assert!(
                    old.allowed() || !new.allowed(),
                    "marking used allowed {}: {:?}", new.item_id, new
                );
            }
        }
    }

    /// Checks that the random scenarios above reach R5 and R8 outcomes, so
    /// that the properties exercise them.
    #[test]
    fn scenarios_reach_r5_and_r8() {
        use proptest::strategy::ValueTree;
        use proptest::test_runner::TestRunner;

        let mut runner = TestRunner::deterministic();
        let strategy = scenario();
        let mut r5_withheld = 0;
        let mut r5_warned = 0;
        let mut r5_reverified = 0;
        let mut r8_other_request = 0;
        let mut r8_used = 0;
        let mut single_request_allowed = 0;
        for _ in 0..2000 {
            let (persons, consents, request, mode) = strategy.new_tree(&mut runner).unwrap().current();
            let decisions = decide_with(&persons, &consents, &request, mode);
            for decision in &decisions {
                match &decision.reason {
                    Reason::ReverificationMissing { .. } => r5_withheld += 1,
                    Reason::SingleRequestOtherRequest { .. } => r8_other_request += 1,
                    Reason::SingleRequestUsed { .. } => r8_used += 1,
                    _ => {}
                }
                if !decision.warnings.is_empty() {
                    r5_warned += 1;
                }
                for used in &decision.consents_used {
                    let consent = consents.iter().find(|consent| consent.id == *used).unwrap();
                    if consent.kind == ConsentKind::SingleRequest {
                        single_request_allowed += 1;
                    }
                    let ends: Vec<Timestamp> = persons
                        .iter()
                        .filter(|person| person.id == consent.grantor)
                        .filter_map(|person| person.counselling_end)
                        .collect();
                    if needs_reverification(consent, &request, &ends) && is_reverified(consent, &request) {
                        r5_reverified += 1;
                    }
                }
            }
        }

        assert!(r5_withheld > 0, "no item withheld under R5");
        assert!(r5_warned > 0, "no item allowed with an R5 warning");
        assert!(r5_reverified > 0, "no item allowed under a re-verified consent");
        assert!(r8_other_request > 0, "no item withheld for another request");
        assert!(r8_used > 0, "no item withheld for a used consent");
        assert!(
            single_request_allowed > 0,
            "no item allowed under a single-request consent"
        );
    }
}
