# kluis messages, English. Every id here also exists in i18n/nl/kluis.ftl.

## Labels

label-error = error:
label-hint = hint:
answer-yes = yes
word-yes = yes
word-no = no
word-note = note
word-attachment = attachment

## Command line help

cli-about = Keeps counselling dossiers encrypted, each to its own key, and discloses data about a person only under that person's consent.
cli-help = Print help
cli-version = Print version
cli-heading-usage = Usage:
cli-heading-commands = Commands:
cli-heading-arguments = Arguments:
cli-heading-options = Options:
cli-exit-status = Exit status: 0 success, 1 internal error, 2 invalid command line, 3 vault could not be unlocked or remote denied access, 4 not found, 5 damaged vault or file, 6 consent missing or invalid, 7 refused for safety (file exists, terminal, not confirmed, partner in a couple record), 8 vault in use by another kluis program, 9 disk or file system error or remote unreachable, 10 invalid input, 11 vault or remote older than or diverging from what this computer verified.
cli-vault = Folder of the vault [default: kluis in your data folder]
cli-passphrase-file = Read the passphrase from the first line of this file (for scripts; KLUIS_PASSPHRASE may hold the passphrase itself)
cli-lang = Language of messages: nl or en [default: from the locale]
cli-init-about = Create a new vault with your keys and a recovery key
cli-init-recovery-key-file = Write the recovery key to this new file instead of showing it
cli-recover-about = Set a new passphrase with the recovery key, when the passphrase is lost
cli-recover-recovery-key-file = Read the recovery key from this file instead of asking for it
cli-person-about = Manage person dossiers
cli-person-add-about = Create a person dossier (cliëntdossier) with its own key
cli-person-add-registration = Registration number of the client
cli-person-add-name = Full name of the client
cli-person-add-email = E-mail address
cli-person-add-phone = Telephone number
cli-person-add-address = Postal address
cli-person-add-start = First day of the counselling (YYYY-MM-DD)
cli-person-card-about = Register the key card a client gave you, so consents they sign can be imported
cli-person-card-dossier = Registration number of the client
cli-person-card-card = The client's key card file
cli-couple-about = Manage couple records
cli-couple-add-about = Link two person dossiers in a couple record (koppeldossier) with its own key
cli-couple-add-registration = Couple registration number
cli-couple-add-partner-a = Dossier of partner A (registration number)
cli-couple-add-partner-b = Dossier of partner B (registration number)
cli-couple-add-start = First day of the counselling (YYYY-MM-DD)
cli-end-about = Record the last day of the counselling of a dossier
cli-end-dossier = Registration number of the dossier or couple record
cli-end-date = Last day of the counselling (YYYY-MM-DD)
cli-note-about = Manage notes
cli-note-add-about = Add a note from a file, from standard input, or in your editor
cli-note-add-dossier = Registration number of the dossier or couple record
cli-note-add-kind = Kind of note; working notes are never disclosed
cli-note-add-file = Read the note from this file (- for standard input)
cli-note-add-date = Day the note is about (YYYY-MM-DD) [default: today]
cli-attach-about = Store a file (a scanned form, a letter) in a dossier
cli-attach-dossier = Registration number of the dossier or couple record
cli-attach-file = File to store; it is encrypted while it is read
cli-attach-label = Short description of the file
cli-list-about = List all dossiers and couple records
cli-show-about = Show a dossier, one note, or one attachment
cli-show-dossier = Registration number of the dossier or couple record
cli-show-note = Show note number N in full
cli-show-attachment = Write attachment number N to standard output, or to a file with -o
cli-show-output = Write the attachment to this new file (- for standard output)
cli-consent-about = Record, withdraw and list consents
cli-consent-record-about = Record a written consent from a signed form
cli-consent-record-grantor = Dossier of the person giving consent
cli-consent-record-to = Dossier of the partner who may receive the data
cli-consent-record-third-party = Name of a third party who may receive the data
cli-consent-record-role = Role of the third party (lawyer, GP, new counsellor)
cli-consent-record-form = Scan of the signed consent form; stored in the grantor's dossier
cli-consent-record-after-end = The consent also holds after the counselling has ended
cli-consent-record-from = First day of validity (YYYY-MM-DD) [default: today]
cli-consent-record-until = Last day of validity, inclusive (YYYY-MM-DD) [default: no end date]
cli-consent-record-purpose = Purpose of the disclosure, as on the form
cli-consent-record-signed-on = Day the client signed the form (YYYY-MM-DD) [default: today]
cli-consent-record-single-request = The consent is for one request only and can be used once (name it with export --request)
cli-consent-record-classes = Data covered, comma-separated [default: all]
cli-consent-withdraw-about = Record the withdrawal of a consent
cli-consent-withdraw-consent = Consent identifier (the first 8 characters are enough)
cli-consent-withdraw-letter = Scan of the signed withdrawal letter
cli-consent-withdraw-not-in-writing = The withdrawal came by phone or in person: the consent is suspended until it is confirmed in writing
cli-consent-reverify-about = Record that the client confirmed a consent again in writing, after a request made once the counselling had ended
cli-consent-reverify-consent = Consent identifier (the first 8 characters are enough)
cli-consent-reverify-form = Scan of the signed confirmation; stored in the client's dossier
cli-consent-list-about = List consents and their state
cli-consent-list-dossier = Show only consents that involve this dossier
cli-consent-overview-about = Show, for a couple record, what may go out now in each direction and to each third party, and what is missing
cli-consent-overview-couple = Registration number of the couple record
cli-consent-request-about = Make a consent request for a client with a key card, to sign with their own key
cli-consent-request-grantor = Dossier of the person asked for consent
cli-consent-request-to = Dossier of the partner who would receive the data
cli-consent-request-third-party = Name of a third party who would receive the data
cli-consent-request-role = Role of the third party (lawyer, GP, new counsellor)
cli-consent-request-after-end = Ask for consent that also holds after the counselling has ended
cli-consent-request-from = First day of validity (YYYY-MM-DD) [default: today]
cli-consent-request-until = Last day of validity, inclusive (YYYY-MM-DD) [default: no end date]
cli-consent-request-purpose = Purpose of the disclosure, in plain words
cli-consent-request-classes = Data covered, comma-separated [default: all]
cli-consent-request-single-request = Ask for consent for one request only, usable once
cli-consent-request-output = New file for the request, to give to the client
cli-consent-import-about = Import a consent a client signed with their own key
cli-consent-import-file = The signed consent file the client returned
cli-consent-form-about = Write a printable consent form for a client without a key, to sign on paper
cli-consent-form-grantor = Dossier of the person asked for consent
cli-consent-form-to = Dossier of the partner who would receive the data
cli-consent-form-third-party = Name of a third party who would receive the data
cli-consent-form-role = Role of the third party (lawyer, GP, new counsellor)
cli-consent-form-after-end = The consent would also hold after the counselling has ended
cli-consent-form-from = First day of validity (YYYY-MM-DD) [default: today]
cli-consent-form-until = Last day of validity, inclusive (YYYY-MM-DD) [default: no end date]
cli-consent-form-purpose = Purpose of the disclosure, in plain words
cli-consent-form-classes = Data covered, comma-separated [default: all]
cli-consent-form-single-request = The consent would be for one request only, usable once
cli-consent-form-output = New file for the form (Markdown, to print)
cli-export-about = Export an encrypted copy for one recipient, as far as consent allows
cli-export-for-person = The client who receives the export
cli-export-third-party = Name of a third party who receives the export
cli-export-role = Role of the third party
cli-export-about-dossiers = Also consider this dossier (repeatable) [default: the client's own dossier and couple records]
cli-export-recipient = Encrypt to this age recipient (age1…) or SSH public key (ssh-ed25519, ssh-rsa)
cli-export-recipient-file = Read the recipient from this file (for example id_ed25519.pub)
cli-export-passphrase = Encrypt with a newly generated passphrase, shown once
cli-export-requested-on = Day the recipient asked for the data (YYYY-MM-DD) [default: today]; a consent from before the end of the counselling then needs a re-verification recorded on or after that day
cli-export-request = The single-request consent this export answers (its identifier); such a consent counts only here, and once
cli-export-output = Write the export to this new file (- for standard output)
cli-export-armor = Write ASCII-armored text instead of binary
cli-export-yes = Do not ask for confirmation
cli-export-dry-run = Only show what would go out and what would be withheld
cli-card-about = Show your key card, for clients to check your signatures on receipts
cli-card-output = Write the card to this new file instead of showing it
cli-partner-about = The client's side: your own keys, and opening an export
cli-partner-keygen-about = Make your own key pair: a key file protected by a passphrase, and a key card to give to your counsellor
cli-partner-keygen-key = New file for your secret keys
cli-partner-keygen-card = New file for your key card
cli-partner-open-about = Decrypt and unpack an export, and check the counsellor's signed receipt
cli-partner-open-export = The export file you received
cli-partner-open-key = Your key file
cli-partner-open-counsellor-card = Your counsellor's key card; with it the receipt's signature and every file are checked
cli-partner-open-output = New folder to unpack the export into
cli-partner-sign-about = Read a consent request from your counsellor and sign it with your own key
cli-partner-sign-request = The consent request file you received
cli-partner-sign-key = Your key file
cli-partner-sign-counsellor-card = Your counsellor's key card, to check that the request is really theirs and unchanged
cli-partner-sign-output = New file for your signed consent, to send back
cli-partner-sign-yes = Sign without asking for confirmation
cli-partner-withdraw-about = Withdraw a consent you signed, with your own key
cli-partner-withdraw-consent = The signed consent file you sent your counsellor
cli-partner-withdraw-key = Your key file
cli-partner-withdraw-output = New file for your signed withdrawal, to send to your counsellor
cli-partner-withdraw-yes = Sign without asking for confirmation
cli-partner-reverify-about = Confirm again a consent you signed, with your own key
cli-partner-reverify-consent = The signed consent file you sent your counsellor
cli-partner-reverify-key = Your key file
cli-partner-reverify-output = New file for your signed confirmation, to send to your counsellor
cli-partner-reverify-yes = Sign without asking for confirmation

## Command line errors

usage-missing-argument = a required argument is missing: { $argument }
usage-unknown-argument = unknown argument: { $argument }
usage-invalid-value = invalid value { $value } for { $argument }
usage-unknown-command = unknown command: { $command }
usage-conflict = { $argument } cannot be used together with { $other }
usage-missing-command = no command given
usage-invalid = the command line is not valid
hint-usage = Run kluis --help for the commands, or kluis COMMAND --help for one command.

## Prompts and notices

prompt-passphrase = Passphrase of the vault:
prompt-passphrase-again = Type the passphrase again:
prompt-recovery-key = Recovery key (AGE-SECRET-KEY-1…):
recover-new-passphrase = Choose a new passphrase for the vault.
recover-done = The vault has a new passphrase. The recovery key stays the same: keep it offline.
input-note = the note
init-recovery-saved = The recovery key is in { $path }. Store it offline (printed, in a safe); with it the vault can be opened if the passphrase is lost.
init-recovery-shown = Your recovery key follows. It is shown only this once: write it down or print it and store it offline. With it the vault can be opened if the passphrase is lost.
init-done = Vault created in { $path }.
person-added = Dossier { $registration } created.
couple-added = Couple record { $registration } created, linking { $a } and { $b }.
counselling-ended = Counselling of { $registration } recorded as ended on { $date }.
note-added = Note ({ $kind }) added to { $registration }.
attachment-added = File stored in { $registration }.
list-empty = The vault has no dossiers yet. Create one with: kluis person add
list-person = { $registration }  { $name }  (counselling { $period }; notes: { $notes }, working notes: { $working }, attachments: { $attachments }, consents: { $consents })
list-couple = { $registration }  couple record of { $partners }  (counselling { $period }; notes: { $notes }, working notes: { $working })
show-person = Dossier of { $name } ({ $registration })
show-couple = Couple record { $registration }
show-notes = Notes: { $count }
show-attachments = Attachments: { $count }
field-email = E-mail
field-phone = Telephone
field-address = Address
field-start = Counselling started
field-end = Counselling ended
field-couple = Couple record
field-partner-a = Partner A
field-partner-b = Partner B
label-consent-form = signed consent form
label-withdrawal-letter = withdrawal letter
label-reverification-form = signed re-verification
consent-recorded = Consent { $consent } of { $grantor } recorded.
consent-recorded-unusable = Note: this consent cannot be used now ({ $state }). It is recorded as signed; check the dates and --after-end if that is not what the form says.
consent-withdrawn = Consent { $consent } withdrawn. Nothing more goes out under it; earlier disclosures stay valid.
consent-reverified = Consent { $consent } re-verified. It counts again for requests made up to now.
consent-suspended = Consent { $consent } suspended: nothing goes out under it. Ask the client to confirm the withdrawal in writing, then record the letter with --letter.
consent-none = No consents recorded.
overview-title = Consents for couple record { $registration } on { $date }
overview-allowed = may go out under { $consents }
overview-withheld = nothing goes out ({ $rule }: { $reason })
overview-consent-until = consent { $consent }, valid up to and including { $until }
overview-consent-open = consent { $consent }, without end date
class-intake = intake
class-session = session notes
class-report = reports
class-attachment = attachments
class-joint = joint-session paragraphs
consent-line = { $consent }  { $grantor } → { $recipient }  [{ $state }]  valid { $period }; after the counselling: { $after_end }; purpose: { $purpose }
period-bounded = from { $from } up to and including { $until }
period-open = from { $from }, without end date
state-active = active
state-withdrawn = withdrawn
state-suspended = suspended, awaiting written confirmation of withdrawal
state-expired = expired
state-not-yet-valid = not yet valid
state-ended = counselling ended, consent does not hold after it
state-needs-reverification = needs re-verification for requests after the end of the counselling
state-used = for a single request, and already used

## Export

plan-title = Export for { $recipient }
plan-allowed = Goes out ({ $count }):
plan-withheld = Withheld ({ $count }):
plan-missing = Missing consent: { $person } has not given a usable consent for this recipient ({ $rule }).
export-confirm = Write this export? [yes/no]
export-written = Export written to { $path }.
export-passphrase = The export is encrypted with this passphrase. Give it to the recipient separately (by phone, not in the same e-mail):
export-inform = This export used the consent of { $names }. Inform them that their data was disclosed.
card-shown = Give this card to your clients; they can compare the fingerprint with you by phone.
partner-keygen-done = Your keys are in { $key } (keep it private) and your key card is in { $card }. Give the card to your counsellor and compare the fingerprint { $fingerprint } by phone or in person.
partner-open-verified = The receipt is signed by the key with fingerprint { $fingerprint }, and every file matches it (items included: { $included }, withheld: { $withheld }).
partner-open-unverified = The receipt's signature was not checked: give your counsellor's key card with --counsellor-card to check it.
partner-open-done = The export is unpacked in { $path }.
card-registered = Key card registered for { $registration }. Compare its fingerprint { $fingerprint } with the client by phone or in person.
consent-requested = Consent request { $consent } written to { $path }. Give it to the client; import the signed consent they return with kluis consent import.
consent-imported = Consent { $consent }, signed by the client, imported.
consent-form-written = Consent form written to { $path }. Print it; after the client has signed it, record its scan with kluis consent record.
consent-form-after-end-yes = This consent also holds after the counselling has ended.
consent-form-after-end-no = This consent ends when the counselling ends.
consent-form-single-request = It is for one request only and is used once.
consent-form = # Consent to share information

    I, { $grantor }, give permission to my counsellor to share information about me with:

    { $recipient }

    - Information concerned: { $classes }
    - Valid: { $period }
    - { $after_end }
    - Purpose: { $purpose }

    Personal working notes of the counsellor are never shared. You may withdraw this consent at any time, in writing (by letter or e-mail to the practice). A withdrawal counts from the day it is received; information shared before stays shared.

    Place and date: ______________________________

    Signature: ______________________________
withdrawal-imported = Withdrawal { $withdrawal }, signed by the client, imported. Nothing more goes out under the consent it names.
reverification-imported = Re-verification { $reverification }, signed by the client, imported.
partner-withdrawal-done = Your signed withdrawal is in { $path }. Send it to your counsellor; it takes effect when it is imported.
partner-reverification-done = Your signed confirmation is in { $path }. Send it to your counsellor.
sign-request-summary = Your counsellor asks your consent for this:
  Whose data: { $grantor }
  To whom: { $recipient }
  Which data: { $classes }
  Valid: { $period }
  Also after the counselling has ended: { $after_end }
  Purpose: { $purpose }
sign-request-withdraw = You can withdraw this consent at any time, in writing; what was shared before stays shared.
sign-request-single = This consent is for one request only, and is used once.
sign-request-checked = The request is signed by your counsellor's key with fingerprint { $fingerprint }. Working notes of the counsellor are never shared.
sign-request-confirm = Sign this consent? [yes/no]
sign-request-done = Your signed consent is in { $path }. Send it to your counsellor.
statement-withdraw-summary = You are about to withdraw consent { $consent } ("{ $purpose }", valid { $period }). Nothing more will go out under it once your counsellor has imported this withdrawal; what was shared before stays shared.
statement-withdraw-confirm = Sign this withdrawal? [yes/no]
statement-reverify-summary = You are about to confirm again consent { $consent } ("{ $purpose }", valid { $period }), so that it counts for a request made after the counselling ended.
statement-reverify-confirm = Sign this confirmation? [yes/no]
export-receipt-file = RECEIPT.md
export-index-file = INDEX.md
export-attachments-folder = attachments
export-paragraph-withheld = [Paragraph { $paragraph } withheld: see RECEIPT.md]
receipt-title = Receipt of disclosure
receipt-intro = This export was made for { $recipient } on { $date }. It lists what was included and what was withheld, with the rule that decided.
receipt-included = Included
receipt-withheld = Withheld
receipt-withheld-count = { $count ->
    [one] 1 item
   *[other] { $count } items
} ({ $reason })
receipt-none = (nothing)
receipt-footer = Rules: R1 own data; R2 data about someone else needs their consent; R3 third parties need a consent naming them; R4 after the counselling only if the consent says so; R5 for a request after the counselling, a consent from before its end needs a re-verification; R6 withdrawn consents no longer count; R7 expired consents no longer count; R8 a consent for a single request counts for that request only, once; R9 paying, being a contact or being the partner gives no right to data; R10 working notes are never disclosed.
index-title = Contents of this export
index-intro = Export for { $recipient }, made on { $date }. Files:
index-receipt = What was withheld, and why, is in { $file }.
note-kind-intake = intake
note-kind-session = session
note-kind-report = report
note-kind-working-note = working note
about-partner-a = about partner A
about-partner-b = about partner B
about-both = about both partners
item-note = { $registration }, note { $number }: { $kind } of { $date }
item-paragraph = { $registration }, note { $number }: { $kind } of { $date }, paragraph { $paragraph } ({ $about })
item-attachment = { $registration }, attachment { $number }: { $label } ({ $file })
reason-own-data = own data
reason-consent-given = under the consent of { $names }
reason-working-note = working notes are never disclosed
reason-no-consent = { $person } has not consented to this recipient
reason-partner-consent-third-party = consent { $consent } of { $person } is between partners and does not cover third parties
reason-third-party-consent-person = consent { $consent } of { $person } is for a third party, not for this client
reason-not-after-end = the counselling of { $person } has ended and consent { $consent } does not hold after it
reason-withdrawn = { $person } withdrew consent { $consent }
reason-suspended = { $person } withdrew consent { $consent } other than in writing; it is suspended until confirmed in writing
reason-expired = consent { $consent } of { $person } was valid until { $date }
reason-not-yet-valid = consent { $consent } of { $person } is valid only from { $date }
reason-reverification-missing = the request dated { $date } came after the counselling of { $person } ended, and consent { $consent }, given before the end, has not been confirmed again since the request
reason-single-request-other = consent { $consent } of { $person } is for one specific request, not this one
reason-single-request-used = consent { $consent } of { $person } was for a single request and has already been used
reason-out-of-scope = consent { $consent } of { $person } does not cover this dossier or kind of data
reason-unknown-person = the item is about an unknown person ({ $person })
reason-no-data-subject = the item does not say whom it is about

## Errors

io-reading = reading
io-writing = writing
io-creating = creating
io-locking = locking
io-removing = removing
error-vault-not-found = there is no vault in { $path }
hint-vault-not-found = Create one with kluis init, or point to it with --vault DIR or KLUIS_VAULT.
error-vault-exists = { $path } is not empty; kluis init creates a vault only in a new or empty folder
hint-vault-exists = Choose another folder with --vault DIR.
error-unsupported-version = the vault has format version { $version }, which this kluis does not know
hint-unsupported-version = Use a newer version of kluis.
error-wrong-passphrase = the passphrase is wrong
hint-wrong-passphrase = Check the passphrase and try again. If it is lost, set a new one with kluis recover and the recovery key.
error-wrong-key-passphrase = the passphrase of your key file is wrong
hint-wrong-key-passphrase = Use the passphrase you chose with kluis partner keygen. If it is lost, make a new key pair and give the new card to your counsellor.
error-wrong-recovery-key = this recovery key does not belong to this vault
hint-wrong-recovery-key = Use the recovery key that kluis init showed for this vault; it starts with AGE-SECRET-KEY-1.
error-invalid-recovery-key = this is not a valid recovery key
error-empty-registration = the registration number is empty
error-empty-name = the name is empty
error-empty-purpose = the purpose is empty
error-consent-to-self = a consent cannot name its own grantor as recipient: own data goes to a client without consent
hint-consent-to-self = Name the partner with --to, or a third party with --third-party and --role.
error-weak-passphrase = the passphrase is too weak: { $rule }
weak-too-short = it needs at least { $min } characters
weak-too-repetitive = it needs at least { $min } different characters
hint-weak-passphrase = Use a sentence of four or more words that nobody would guess.
error-passphrase-mismatch = the two passphrases are not the same
error-no-passphrase = no passphrase: there is no terminal to ask for it
hint-no-passphrase = Set KLUIS_PASSPHRASE or use --passphrase-file FILE.
error-locked = another kluis program is changing this vault right now
hint-locked = Wait until it has finished and try again.
error-dossier-not-found = there is no dossier { $reference }
hint-dossier-not-found = kluis list shows the registration numbers.
error-registration-taken = registration number { $registration } is already in use
hint-registration-taken = Each dossier and couple record needs its own number.
error-not-a-person = { $reference } is a couple record, not a person dossier
error-not-a-couple = { $reference } is not a couple record
error-not-partners = { $reference } is not the partner of the grantor in any couple record
hint-not-partners = For anyone else, record a third-party consent with --third-party NAME --role ROLE.
error-item-not-found = there is no { $reference } in this dossier
hint-item-not-found = kluis show DOSSIER lists the notes and attachments with their numbers.
error-consent-not-found = there is no consent { $reference }
hint-consent-not-found = kluis consent list shows the consents with their identifiers.
error-already-withdrawn = consent { $reference } has already been withdrawn in writing
error-invalid-token = consent { $token } is not valid: { $reason }
hint-invalid-token = Nothing was disclosed. A consent that no longer verifies means the vault was changed outside kluis; restore it from a backup.
token-malformed = it is damaged or not a kluis consent
token-bad-signature = its signature is wrong
token-unknown-signer = it was signed by a key that is not registered for its signer
token-other-vault = it belongs to another vault
token-unsupported-version = it has format version { $version }, which this kluis does not know
token-inconsistent = it contradicts itself ({ $what })
inconsistent-not-in-writing = a consent must be given in writing
inconsistent-empty-validity = its validity period is empty
inconsistent-empty-scope = it covers nothing
inconsistent-nothing-withdrawn = the withdrawal names no consent
inconsistent-wrong-dossier = it is stored in another dossier than that of its grantor
inconsistent-data-period = it limits the data to a period, which this version cannot enforce
inconsistent-form-missing = the scanned form it names is not in the grantor's dossier
inconsistent-not-requested = it does not match a consent request of this vault word for word
inconsistent-issued-in-future = it is dated in the future
error-damaged = the vault is damaged: { $what }
hint-damaged = Nothing was changed or disclosed. Restore the vault folder from a copy made before the damage.
damage-unreadable = { $file } cannot be read
damage-modified = { $file } was changed outside kluis
damage-missing = { $file } is missing
damage-journal = the journal is broken at entry { $seq }: { $problem }
journal-bad-signature = its signature is invalid
journal-malformed = it cannot be read
journal-other-vault = it belongs to another vault
journal-wrong-number = it carries another entry number
journal-broken-chain = it does not link to the entry before it
journal-foreign-object = it refers to an object that another entry wrote
damage-foreign-identity = the identity file does not belong to this vault
damage-in-dossier-changed = { $what } in the dossier { $registration } was changed outside kluis ({ $file })
damage-in-dossier-missing = { $what } in the dossier { $registration } is missing ({ $file })
role-note = a note
role-attachment = an attachment
role-consent = a consent
role-withdrawal = a withdrawal
error-nothing-to-disclose = nothing may go out to this recipient; the refusal has been recorded in the journal
hint-nothing-to-disclose = Ask the person named above for written consent, and record it with kluis consent record.
error-not-confirmed = the export was not confirmed, so nothing was written
hint-not-confirmed = Answer yes at the question, or add --yes in a script.
error-output-exists = { $path } already exists, and kluis never overwrites a file
hint-output-exists = Choose another file name, or remove the file first.
error-binary-to-terminal = this output is binary and would garble the terminal
hint-binary-to-terminal = Write it to a file with -o FILE, or use --armor for an export.
error-not-utf8 = { $what } is not UTF-8 text
hint-not-utf8 = Save the text as UTF-8 in your editor, or store the file as an attachment with kluis attach.
error-invalid-date = { $value } is not a valid date
hint-invalid-date = Write dates as YYYY-MM-DD, for example 2026-03-02.
error-future-date = the date { $value } is in the future
hint-future-date = Give the day the request was actually made.
error-end-before-start = the end date { $end } is before the start date { $start }
error-invalid-recipient = { $value } is not an age recipient or SSH public key
hint-invalid-recipient = Use a key that starts with age1, ssh-ed25519 or ssh-rsa, or use --passphrase.
error-secret-key-as-recipient = this is a secret key, not the recipient's public key; it was not used or shown
hint-secret-key-as-recipient = Keep the secret key private. Its public key is what age-keygen -y prints for it, and starts with age1.
error-untagged-paragraph = paragraph { $paragraph } of the joint note does not start with [A], [B] or [A+B]
hint-untagged-paragraph = In a couple record every paragraph says whom it is about, so that it can be shared correctly. Separate paragraphs with a blank line.
error-empty-note = the note is empty, so nothing was stored
error-ambiguous-tag = line { $line } of the joint note looks like a tag but is not [A], [B] or [A+B], so it could end up with the wrong partner
error-not-linked = { $reference } is neither the client's partner nor one of their couple records
hint-not-linked = For a client, --about names their partner or their couple record; for anyone else use --third-party.
error-empty-paragraph = paragraph { $paragraph } of the joint note has a tag but no text
error-same-partner = a couple record needs two different person dossiers
error-registration-destroyed = registration number { $registration } belonged to a dossier that was destroyed, and stays with it in the journal
hint-registration-destroyed = Give the new dossier another number; `kluis list` shows the numbers of destroyed dossiers too.
error-partner-in-couple = { $registration } is a partner in { $count ->
    [one] couple record { $couples }, whose joint notes are
   *[other] the couple records { $couples }, whose joint notes are
} about this client too, so nothing was destroyed
hint-partner-in-couple = Destroy { $count ->
    [one] the couple record
   *[other] each couple record
} first, if the other partner's interests allow it: kluis destroy { $couple } --reason REASON
error-editor-failed = the editor { $editor } did not finish successfully, so nothing was stored
hint-editor-failed = Set EDITOR to your editor, or give the note with --file.
error-no-private-temp = there is no memory-backed folder for the editor's file, and kluis does not put note text on disk
hint-no-private-temp = Give the note with --file or on standard input.
error-disk-full = the disk is full while { $action } { $path }; nothing was changed
hint-disk-full = Free up space and try again.
error-invalid-card = this is not a valid kluis key card, or it was changed
hint-invalid-card = Ask for the card again; it starts with -----BEGIN KLUIS KEY CARD-----.
error-card-of-other-person = this key card is registered for { $reference }, so it cannot be used for someone else
hint-card-of-other-person = Use the card this client gave you, and compare its fingerprint with them.
error-invalid-import = { $path } is not a valid signed statement: { $reason }
hint-invalid-import = Nothing was stored. Ask the client for the signed file again.
error-signature-not-confirmed = the signature was not confirmed, so nothing was signed
hint-signature-not-confirmed = Answer yes at the question, or add --yes if you have read what you sign.
error-invalid-key-file = this is not a kluis key file
error-not-an-export = this file is not a kluis export, or it is damaged
error-not-for-this-key = this export is not encrypted to your key
hint-not-for-this-key = Check that you use the key file whose card you gave to your counsellor.
error-unsafe-export-entry = the export contains something that is not a plain file, so it was not unpacked further
error-receipt-invalid = the signed receipt is missing, not signed by your counsellor, or does not match the files
hint-receipt-invalid = Do not trust the contents; ask your counsellor for a new export.
error-invalid-request = this consent request is not valid, not from the counsellor whose card you gave, or was changed
hint-invalid-request = Do not sign it; ask your counsellor for the request again.
error-invalid-own-consent = this file is not a consent signed with your key
hint-invalid-own-consent = Give the signed consent file that kluis partner sign made for you.
error-no-key-card = { $reference } has no registered key card, so they cannot sign a request with their own key
hint-no-key-card = Register the client's card with kluis person card, or record a signed paper form with kluis consent record.
error-already-imported = { $reference } was imported before; a signed statement counts once
error-consent-expired = consent { $reference } is no longer valid, so it was not imported
error-input-not-found = the file { $path } does not exist
error-input-not-a-file = { $path } is a folder, not a file
error-input-no-permission = you have no permission to read { $path }
hint-input-file = Check the file name and folder; ls shows what is there.
io-not-found = it or a folder on its path does not exist
io-permission-denied = permission denied
io-already-exists = it already exists
io-not-a-directory = a part of its path is a file, not a folder
io-is-a-directory = it is a folder, not a file
io-read-only = the file system is read-only
error-io = failed { $action } { $path }: { $reason }
error-internal = an unexpected error occurred: { $reason }

error-rolled-back = this vault is older than the state this computer verified before: its journal ends at entry { $found }, but entry { $seen } was seen here
hint-rolled-back = Someone or something (a sync service, a restored copy) put back older files, which can bring back a withdrawn consent. Nothing was shown or changed. If you restored a backup on purpose, run `kluis accept-restore`; otherwise restore the newest copy of the vault folder.
error-forked = this vault's history differs from the one this computer verified before: entry { $seq } is not the entry seen here
hint-forked = Two copies of the vault were changed separately, or files were replaced. Nothing was shown or changed. Find the copy with the newest work; if this is the copy you want to keep, run `kluis accept-restore`.
error-seen-unreadable = this computer's record of the vault's last verified state is damaged: { $path }
hint-seen-unreadable = Move that file aside and run `kluis check` on the vault; the next open records the current state again.
error-seen-unwritable = kluis cannot use the folder where it records which vault states this computer verified: { $path }
error-no-state-folder = there is no folder for this computer's record of verified vault states
hint-no-state-folder = Set KLUIS_STATE_DIR to a private folder that kluis may write to.
journal-older-version = it has an older format version than the entry before it
journal-event-too-new = it records an event that its format version does not have

cli-check-about = Check the whole vault: every signature, the journal, every object, key and consent, and whether it was rolled back
cli-check-full = Also read the content of every attachment (slower; a quick check skips it)
cli-log-about = Show the access log of a client or couple record, or write it encrypted for the client
cli-log-dossier = Registration number of the client or couple record
cli-log-from = Only from this day on (YYYY-MM-DD)
cli-log-until = Only up to and including this day (YYYY-MM-DD)
cli-log-recipient = Write the log encrypted to this key of the client (age1… or an SSH public key)
cli-log-recipient-file = Read the client's key from this file (a key card or an SSH public key)
cli-log-passphrase = Encrypt the log with a newly generated passphrase, shown once
cli-log-output = Write the encrypted log to this new file (- for standard output)
cli-log-armor = Write ASCII-armored text instead of binary
cli-accept-restore-about = Accept a vault that is older than, or differs from, what this computer verified before, such as a backup restored on purpose
cli-accept-restore-yes = Do not ask for confirmation
cli-destroy-about = Destroy a dossier or couple record for good: its files are overwritten and deleted, and the journal records that it was destroyed
cli-destroy-dossier = Registration number of the dossier or couple record
cli-destroy-reason = Why: client-request (the client asked for erasure, AVG art. 17) or retention-ended (the retention period has ended)
cli-destroy-yes = Do not ask to type the registration number
destroy-what-person = the dossier of { $name } ({ $registration })
destroy-what-couple = the couple record { $registration }
destroy-summary = This destroys { $what }: { $notes ->
    [one] 1 note
   *[other] { $notes } notes
}, { $working ->
    [one] 1 working note
   *[other] { $working } working notes
}, { $attachments ->
    [one] 1 attachment
   *[other] { $attachments } attachments
} and { $consents ->
    [one] 1 consent
   *[other] { $consents } consents
}, in { $files ->
    [one] 1 file
   *[other] { $files } files
}.
}, { $attachments ->
    [one] one attachment
   *[other] { $attachments } attachments
} and { $consents ->
    [one] one consent
   *[other] { $consents } consents
}, in { $files ->
    [one] one file
   *[other] { $files } files
}.
destroy-warning = No one can read it afterwards, you included, also not with the recovery key. The journal keeps only that it existed, what was disclosed from it, and when and why it was destroyed. Copies elsewhere (backups, old copies of the vault folder) keep it until they are removed too.
destroy-confirm = Type the registration number { $registration } to destroy it:
destroy-done = { $registration } is destroyed: { $files ->
    [one] 1 file was
   *[other] { $files } files were
} overwritten and deleted. The journal records it in entry { $seq }.
} overwritten and deleted. The journal records it in entry { $seq }.
destroy-backups = The next `kluis backup` to each remote deletes the files there too. A remote that keeps old versions of files keeps them until its own retention removes them.
destroyed-dossier = { $registration } (destroyed)
error-destroy-no-terminal = there is no terminal to type the registration number at, so nothing was destroyed
hint-destroy-no-terminal = Run the command in a terminal, or add --yes in a script.
error-destroy-mistyped = you typed “{ $typed }”, not the registration number, so nothing was destroyed
hint-destroy-mistyped = Type the registration number exactly as `kluis list` shows it.
error-destroy-incomplete = { $registration } is destroyed in the journal, but { $count ->
    [one] 1 of its files
   *[other] { $count } of its files
} could not be deleted: { $problem }
hint-destroy-incomplete = Fix the cause; the next change to the vault deletes the files, `kluis check` lists them until then, and kluis never reads them.
error-dossier-destroyed = { $registration } was destroyed on { $date }; its files are gone
hint-dossier-destroyed = `kluis list` shows destroyed dossiers with the date and the reason.
list-destroyed = { $registration }: destroyed on { $date }, { $reason }
destroy-reason-client-request = at the request of the client
destroy-reason-retention-ended = the retention period had ended
error-problems-found = the check found { $count ->
    [one] 1 problem
   *[other] { $count } problems
}
hint-problems-found = Nothing was changed. Restore the damaged files from a backup made before the damage, then run `kluis check --full` again.
check-quick = Quick check of the vault in { $path } (attachment contents are not read; use --full for those)
check-full = Full check of the vault in { $path }
check-covered = Checked: journal entries { $entries }, dossiers { $dossiers }, objects { $objects }, consent statements { $statements }; { $size } read.
check-stopped = Nothing after this was checked.
check-clean = No problems found.
check-rolled-back = the vault is older than the state this computer verified before: the journal ends at entry { $found }, but entry { $seen } was seen here
check-forked = entry { $seq } of the journal differs from the one this computer verified before
check-damaged = { $what } in { $whose } { $problem } ({ $file })
check-problem-missing = is missing
check-problem-changed = was changed outside kluis
check-problem-unreadable = cannot be read
check-invalid-statement = { $what } in { $whose } is not valid: { $reason }
check-stray = the file { $file } was not written by kluis: no journal entry lists it, and kluis never reads it; if you did not put it there, someone else did
check-leftover = { $file } is left over from an interrupted write; it is safe to delete
check-unlisted = { $file } is encrypted to this vault's keys, but no journal entry lists it, so kluis never reads it: a write was interrupted, or it is work from another copy of the vault
check-not-yet-shredded = { $file } belongs to a destroyed dossier and was not yet deleted, because deleting it was interrupted or failed; kluis never reads it, and the next change deletes it
check-first-here = This computer had not verified this vault before; from now on it notices when the vault is rolled back.
check-item-record = the key or the details (name, registration number)
check-item-note = note { $number }
check-item-attachment = the description of attachment { $number }
check-item-attachment-content = the content of attachment { $number }
check-item-consent = consent { $id }
check-item-withdrawal = withdrawal { $id }
check-item-reverification = re-verification { $id }
check-item-card = key card { $number }
check-item-request = the consent request for { $id }
check-whose-person = the dossier of { $name } ({ $registration })
check-whose-couple = the couple record { $registration }
check-whose-registration = the dossier { $registration }
check-whose-unnamed = a dossier created on { $date } (its name cannot be read)
accept-restore-rolled-back = This computer verified entry { $seen } of this vault before; the vault now ends at entry { $found }. What was recorded after entry { $found } is not in this copy.
accept-restore-forked = Entry { $seq } of this vault differs from the one this computer verified before; the vault now ends at entry { $found }. Work recorded in the other copy is not in this one.
accept-restore-warning = A consent withdrawn after this copy was made counts as given again, a dossier destroyed after it is back and must be destroyed again, and disclosures after it are not in its log. Check the consents and `kluis list` before the next export.
accept-restore-confirm = Accept this state of the vault and record that in its journal? [yes/no]
accept-restore-nothing = This vault extends the state this computer verified before; there is nothing to accept.
accept-restore-done = Accepted. The journal records it in entry { $seq }.
log-heading = Access log of { $whose }
log-heading-period = Access log of { $whose }, { $from } to { $until }
log-empty = Nothing was read or disclosed in this period.
log-shown = shown to { $user }: { $items }
log-log-exported = this access log was sent to the client by { $user }, encrypted to { $key }
log-disclosed = disclosed to { $recipient }: { $items }; { $consents }; { $withheld } withheld; encrypted to { $key }
log-withheld = export to { $recipient }: nothing of this client went out ({ $reason }); { $withheld } withheld
log-refused = the export was refused
log-nothing-of-client = no consent for this client's items
log-under-consent = under consent { $consents }
log-no-consent-needed = no consent needed (the client's own data)
log-restore-accepted = { $user } accepted a copy of the vault that does not extend the one this computer had verified up to entry { $seen }; the accepted copy ended at entry { $accepted }, and what only the other copy recorded is not in this log
log-items-in-couple = { $items } of the couple record { $registration }
log-item-overview = the dossier's details and list of items
log-item-paragraph = paragraph { $paragraph } of note { $note }
log-item-attachment = attachment { $number }
log-items-unknown = { $count ->
    [one] an item no longer listed
   *[other] { $count } items no longer listed
}
log-document-intro = This overview lists every time your dossier was viewed in the practice's records system, and every time data from it was shared, with whom and under which consent. Times are in Dutch time.
log-document-made = Made on { $date } by kluis. Fingerprint of the counsellor's key: { $counsellor }
log-written = Access log written to { $path }.
error-restore-not-accepted = the older state was not accepted, so nothing was written
log-couple-destroyed = the couple record { $registration } was destroyed by { $user }, { $reason }
log-couple-log-exported = the access log of the couple record { $registration } was sent to a partner by { $user }, encrypted to { $key }
check-not-an-entry = the file { $file } is not a journal entry: a sync service may have kept a conflicting copy of the vault, changed on two computers

## Backups

cli-backup-about = Back the vault up to a remote (S3-compatible storage, WebDAV or a folder), sending only what it lacks
cli-backup-remote = Where to: s3://BUCKET/PREFIX?endpoint=…&region=…, webdav+https://HOST/PATH, a folder, or a name from the remotes file
cli-backup-quiet = Print nothing unless something goes wrong
cli-backup-repair = Send every file again, to repair a remote that lost or damaged files (see `kluis remote check --full`)
cli-backup-json = Print one line of JSON for scripts instead of text
cli-restore-about = Restore a vault from a remote into a new folder, checked before use
cli-restore-remote = The remote holding the backup
cli-restore-destination = The new (or empty) folder for the restored vault
cli-restore-at = Restore the state at this journal entry instead of the latest (see `kluis remote states`)
cli-restore-yes = Do not ask before accepting a state older than the one this computer saw
cli-remote-about = Check a backup remote and list the states it holds
cli-remote-check-about = Check a remote: journal, signatures, hash chain and that every object is there; with --full also every object's content
cli-remote-check-remote = The remote to check
cli-remote-check-full = Download every object and compare its SHA-256 with the journal (slower)
cli-remote-check-json = Print one line of JSON for scripts instead of text
cli-remote-states-about = List the states a remote can restore: journal entries and their dates
cli-remote-states-remote = The remote to list
cli-remote-states-all = One line per journal entry instead of one per day

backup-sending = Sending
backup-progress = { $done }/{ $files } files, { $size }
backup-up-to-date = The backup in { $remote } is up to date (journal entry { $seq }).
backup-done = Backed up to { $remote }: journal entry { $before } → { $after }; { $files ->
    [one] 1 file
   *[other] { $files } files
} sent ({ $objects ->
    [one] 1 object
   *[other] { $objects } objects
}, { $entries ->
    [one] 1 journal entry
   *[other] { $entries } journal entries
}), { $size }.
backup-resumed = { $count ->
    [one] 1 file was
   *[other] { $count } files were
} already there and not sent again.
backup-removed = { $count ->
    [one] 1 file of a destroyed dossier was
   *[other] { $count } files of destroyed dossiers were
} removed from the remote.
backup-rolled-back = Warning: the remote was rolled back: this computer sent it up to journal entry { $seen }, but it held only up to entry { $found }. The missing state was sent again. Its storage lost or replaced files; run `kluis remote check --full` on it.
restore-fetching = Fetching
restore-older = This computer saw journal entry { $seen } of this vault before; the state being restored ends at entry { $found }. What was recorded after entry { $found } is not in it. If you accept it, this computer follows the restored copy from now on: the vault you have now (if any) will be refused as a different history.
restore-confirm = Restore this older state and record that in the journal? [yes/no]
restore-done = Restored into { $path } at journal entry { $seq }: { $files } files, { $size }, all checked.
restore-not-latest = The remote holds newer states, up to entry { $head }.
restore-damaged = The downloaded copy did not pass the full check; nothing was put in the destination folder.
remote-check-reading = Reading
remote-check-quick = Quick check of the backup in { $remote } (objects stored outside packs are not downloaded; use --full for those)
remote-check-full = Full check of the backup in { $remote }
remote-check-covered = Checked: journal entries { $entries } (HEAD at { $head }), objects { $objects }; { $size } downloaded.
remote-check-no-vault = There is no vault here to compare with; the remote was compared with what this computer saw of it before.
remote-check-first-sight = There is no vault here, and this computer had not seen this remote before: the signatures show the files belong together, not whose vault it is. From now on this computer notices when the remote is rolled back.
remote-check-behind = The backup is at journal entry { $head }, the vault in { $path } at { $local }: run `kluis backup` to bring it up to date.
remote-check-ahead = The backup is at journal entry { $head }, ahead of the vault in { $path } at { $local }: it holds work this vault does not have. `kluis backup` will refuse to send to it; restore it into a new folder to see that work.
remote-check-unlisted = { $count ->
    [one] 1 object is
   *[other] { $count } objects are
} there that no journal entry lists, as an interrupted backup leaves them; the next backup completes it.
remote-check-removed-pending = { $count ->
    [one] 1 file of a destroyed dossier is still on the remote; the next `kluis backup` from this computer removes it.
   *[other] { $count } files of destroyed dossiers are still on the remote; the next `kluis backup` from this computer removes them.
}
} still on the remote; the next `kluis backup` from this computer removes them.
remote-finding-missing = the file { $file } is missing from the remote
remote-finding-modified = the file { $file } on the remote differs from what the journal recorded
remote-finding-head = HEAD on the remote does not verify or names no entry of its journal
remote-finding-rolled-back = the remote was rolled back: its journal ends at entry { $found }, but this computer sent or verified entry { $seen } there
remote-finding-forked = entry { $seq } on the remote differs from the one this computer sent or verified
remote-states-title = States in { $remote } (HEAD at journal entry { $head }):
remote-states-day = { $day }: entries { $first }–{ $last } ({ $from }–{ $until })
remote-states-hint = Restore one with `kluis restore REMOTE DIR --at ENTRY`; `--all` lists every entry.

error-remote-problems-found = the check of the remote found { $count ->
    [one] one problem
   *[other] { $count } problems
}
hint-remote-rolled-back = The storage served an older state than this computer sent. Run `kluis backup` from the vault to send the missing state again, and ask the provider what happened.
error-destination-not-empty = { $path } is not empty; kluis restores only into a new or empty folder
hint-destination-not-empty = Choose a new folder. A restore never writes into the vault you have.
error-remote = backup remote { $remote }: { $problem }
remote-problem-invalid = this is not a remote kluis understands
remote-problem-unknown-scheme = kluis does not know this kind of URL
remote-problem-unknown-option = the option { $option } is unknown
remote-problem-unknown-name = there is no remote by this name in the remotes file, and no folder by this name
remote-problem-credentials-in-url = the URL contains a login
remote-problem-unencrypted = plain http is only allowed to this computer
remote-problem-denied = the storage denied access
remote-problem-no-credentials = no login for it was found, so nothing was sent
remote-problem-no-such-place = the bucket or folder does not exist
remote-problem-unreachable = it cannot be reached
remote-problem-refused = the storage refused a request
remote-problem-refused-status = the storage refused a request (HTTP status { $status })
remote-problem-folder-failed = reading or writing the folder failed
hint-remote-folder-failed = Check that the disk is connected, has free space, and that you may write to the folder. An interrupted backup continues where it stopped.
remote-problem-no-backup = it holds no backup
remote-problem-other-vault = it holds a backup of another vault
remote-problem-ahead = it is at journal entry { $remote }, ahead of this vault at entry { $local }
remote-problem-forked = its journal entry { $seq } differs from this vault's
remote-problem-no-such-state = it holds no journal entry { $seq }
remote-problem-damaged = it is damaged: { $what }
remote-problem-destroyed-since = its state at journal entry { $seq } cannot be restored whole: a dossier in it was destroyed in entry { $destroyed }, and backups delete the files of a destroyed dossier
error-remote-removal = backup remote { $remote }: the backup was sent, but removing the files of destroyed dossiers from it failed: { $problem }
hint-remote-removal = Until a backup succeeds, files of a destroyed dossier are still on the remote; the next `kluis backup` removes them.
hint-remote-invalid = Use s3://BUCKET/PREFIX, webdav+https://HOST/PATH, a folder, or a name from the remotes file (README, "Backups").
hint-remote-unknown-name = Add the name to the remotes file (README, "Backups"), or write a folder as a path, such as ./backup, and create it first.
hint-remote-credentials = Put the login in the environment instead: KLUIS_WEBDAV_USER and KLUIS_WEBDAV_PASSWORD, or the AWS variables and files for S3.
hint-remote-unencrypted = Use https://. Plain http is accepted only for 127.0.0.1, ::1 and localhost.
hint-remote-denied = Check the login: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or ~/.aws/credentials) for S3, KLUIS_WEBDAV_USER and KLUIS_WEBDAV_PASSWORD for WebDAV.
hint-remote-no-such-place = Create the bucket or folder first; kluis creates neither. For an external disk, check that it is connected and mounted.
hint-remote-unreachable = Check the address and the network connection, then run the command again. An interrupted backup continues where it stopped.
hint-remote-no-backup = Check the address, or run `kluis backup` to make the first backup there.
hint-remote-other-vault = Use a separate bucket, prefix or folder for each vault.
hint-remote-ahead = The backup holds newer work than this vault. Nothing was sent. Restore the backup into a new folder with `kluis restore` and compare, or check that this is the right vault.
hint-remote-forked = The backup and this vault were changed apart from each other. Nothing was sent. Restore the backup into a new folder with `kluis restore` to see its work, and keep the copy with the newest work.
hint-remote-no-such-state = `kluis remote states` lists the entries the remote holds.
hint-remote-destroyed-since = Restore journal entry { $first } or a later one.
hint-remote-damaged = Nothing was changed on this computer. Run `kluis remote check --full` for every problem, then `kluis backup --repair` from an intact vault to repair the remote.
