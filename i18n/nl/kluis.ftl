# Meldingen van kluis, Nederlands. Elke id hier staat ook in i18n/en/kluis.ftl.

## Labels en losse woorden

label-error = fout:
label-hint = tip:
answer-yes = ja
word-yes = ja
word-no = nee
word-note = aantekening
word-attachment = bijlage

## Hulptekst bij de opdrachtregel

cli-about = Bewaart cliëntdossiers versleuteld, elk met een eigen sleutel, en verstrekt gegevens over iemand alleen met toestemming van die persoon.
cli-help = Hulp tonen
cli-version = Versie tonen
cli-heading-usage = Gebruik:
cli-heading-commands = Opdrachten:
cli-heading-arguments = Argumenten:
cli-heading-options = Opties:
cli-exit-status = Afsluitstatus: 0 gelukt, 1 interne fout, 2 ongeldige opdrachtregel, 3 kluis kon niet worden ontgrendeld of opslag weigerde toegang, 4 niet gevonden, 5 kluis of bestand beschadigd, 6 toestemming ontbreekt of is ongeldig, 7 geweigerd voor de veiligheid (bestand bestaat al, uitvoer naar terminal, niet bevestigd, partner in een koppeldossier), 8 kluis is in gebruik door een andere kluis-opdracht, 9 fout in schijf of bestandssysteem of opslag onbereikbaar, 10 ongeldige invoer, 11 kluis of opslag ouder dan of afwijkend van wat deze computer eerder controleerde.
cli-vault = Map van de kluis [standaard: de map kluis in je gegevensmap]
cli-passphrase-file = De wachtwoordzin lezen uit de eerste regel van dit bestand (voor scripts; KLUIS_PASSPHRASE mag ook de wachtwoordzin zelf bevatten)
cli-lang = Taal van de meldingen: nl of en [standaard: volgens de taalinstelling van het systeem]
cli-init-about = Een nieuwe kluis maken met je sleutels en een herstelsleutel
cli-init-recovery-key-file = De herstelsleutel in dit nieuwe bestand zetten in plaats van hem te tonen
cli-recover-about = Met de herstelsleutel een nieuwe wachtwoordzin instellen, als je de wachtwoordzin kwijt bent
cli-recover-recovery-key-file = De herstelsleutel uit dit bestand lezen in plaats van ernaar te vragen
cli-person-about = Cliëntdossiers beheren
cli-person-add-about = Een cliëntdossier aanmaken met een eigen sleutel
cli-person-add-registration = Registratienummer van de cliënt
cli-person-add-name = Volledige naam van de cliënt
cli-person-add-email = E-mailadres
cli-person-add-phone = Telefoonnummer
cli-person-add-address = Postadres
cli-person-add-start = Eerste dag van de begeleiding (JJJJ-MM-DD)
cli-person-card-about = De sleutelkaart registreren die een cliënt je gaf, zodat toestemmingen die de cliënt ondertekent kunnen worden geïmporteerd
cli-person-card-dossier = Registratienummer van de cliënt
cli-person-card-card = Het bestand met de sleutelkaart van de cliënt
cli-couple-about = Koppeldossiers beheren
cli-couple-add-about = Twee cliëntdossiers verbinden in een koppeldossier met een eigen sleutel
cli-couple-add-registration = Nummer van de koppelregistratie
cli-couple-add-partner-a = Dossier van partner A (registratienummer)
cli-couple-add-partner-b = Dossier van partner B (registratienummer)
cli-couple-add-start = Eerste dag van de begeleiding (JJJJ-MM-DD)
cli-end-about = De laatste dag van de begeleiding in een dossier vastleggen
cli-end-dossier = Registratienummer van het dossier of koppeldossier
cli-end-date = Laatste dag van de begeleiding (JJJJ-MM-DD)
cli-note-about = Aantekeningen beheren
cli-note-add-about = Een aantekening toevoegen uit een bestand, via standaardinvoer of in je editor
cli-note-add-dossier = Registratienummer van het dossier of koppeldossier
cli-note-add-kind = Soort aantekening; werkaantekeningen worden nooit verstrekt
cli-note-add-file = De aantekening uit dit bestand lezen (- voor standaardinvoer)
cli-note-add-date = Dag waarover de aantekening gaat (JJJJ-MM-DD) [standaard: vandaag]
cli-attach-about = Een bestand (een gescand formulier, een brief) in een dossier opslaan
cli-attach-dossier = Registratienummer van het dossier of koppeldossier
cli-attach-file = Het bestand dat je wilt opslaan; het wordt al tijdens het inlezen versleuteld
cli-attach-label = Korte omschrijving van het bestand
cli-list-about = Alle dossiers en koppeldossiers tonen
cli-show-about = Een dossier, één aantekening of één bijlage tonen
cli-show-dossier = Registratienummer van het dossier of koppeldossier
cli-show-note = Aantekening nummer N volledig tonen
cli-show-attachment = Bijlage nummer N naar de standaarduitvoer schrijven, of met -o naar een bestand
cli-show-output = De bijlage naar dit nieuwe bestand schrijven (- voor standaarduitvoer)
cli-consent-about = Toestemmingen vastleggen, intrekken en tonen
cli-consent-record-about = Een schriftelijke toestemming vastleggen met het ondertekende toestemmingsformulier
cli-consent-record-grantor = Dossier van de persoon die toestemming geeft
cli-consent-record-to = Dossier van de partner die de gegevens mag ontvangen
cli-consent-record-third-party = Naam van een derde die de gegevens mag ontvangen
cli-consent-record-role = Rol van de derde (advocaat, huisarts, nieuwe counsellor)
cli-consent-record-form = Scan van het ondertekende toestemmingsformulier; wordt bewaard in het dossier van degene die toestemming geeft
cli-consent-record-after-end = De toestemming blijft ook gelden nadat de begeleiding is afgerond
cli-consent-record-from = Eerste dag waarop de toestemming geldig is (JJJJ-MM-DD) [standaard: vandaag]
cli-consent-record-until = Laatste dag waarop de toestemming geldig is, die dag inbegrepen (JJJJ-MM-DD) [standaard: geen einddatum]
cli-consent-record-purpose = Doel van de verstrekking, zoals op het formulier
cli-consent-record-signed-on = Dag waarop de cliënt het formulier ondertekende (JJJJ-MM-DD) [standaard: vandaag]
cli-consent-record-single-request = De toestemming geldt voor één verzoek en kan één keer worden gebruikt (noem haar met export --request)
cli-consent-record-classes = Gegevens waarvoor de toestemming geldt, gescheiden door komma's [standaard: alle]
cli-consent-withdraw-about = De intrekking van een toestemming vastleggen
cli-consent-withdraw-consent = Kenmerk van de toestemming (de eerste 8 tekens zijn genoeg)
cli-consent-withdraw-letter = Scan van de ondertekende intrekkingsbrief
cli-consent-withdraw-not-in-writing = De intrekking kwam telefonisch of mondeling binnen: de toestemming is opgeschort tot de intrekking schriftelijk is bevestigd
cli-consent-reverify-about = Vastleggen dat de cliënt een toestemming schriftelijk opnieuw heeft bevestigd, na een verzoek van na de afronding van de begeleiding
cli-consent-reverify-consent = Kenmerk van de toestemming (de eerste 8 tekens zijn genoeg)
cli-consent-reverify-form = Scan van de ondertekende bevestiging; wordt in het dossier van de cliënt bewaard
cli-consent-list-about = Toestemmingen en hun status tonen
cli-consent-list-dossier = Alleen toestemmingen tonen waarbij dit dossier betrokken is
cli-consent-overview-about = Voor een koppeldossier tonen wat er nu in elke richting en naar elke derde mag worden verstrekt, en wat ontbreekt
cli-consent-overview-couple = Registratienummer van het koppeldossier
cli-consent-request-about = Een toestemmingsverzoek maken voor een cliënt met een sleutelkaart, om met de eigen sleutel te ondertekenen
cli-consent-request-grantor = Dossier van de persoon aan wie toestemming wordt gevraagd
cli-consent-request-to = Dossier van de partner die de gegevens zou krijgen
cli-consent-request-third-party = Naam van een derde die de gegevens zou krijgen
cli-consent-request-role = Rol van de derde (advocaat, huisarts, nieuwe counsellor)
cli-consent-request-after-end = Toestemming vragen die ook na afronding van de begeleiding geldt
cli-consent-request-from = Eerste dag van geldigheid (JJJJ-MM-DD) [standaard: vandaag]
cli-consent-request-until = Laatste dag van geldigheid, inclusief (JJJJ-MM-DD) [standaard: geen einddatum]
cli-consent-request-purpose = Doel van de verstrekking, in gewone woorden
cli-consent-request-classes = Gegevens waarop de toestemming betrekking heeft, gescheiden door komma's [standaard: alle]
cli-consent-request-single-request = Toestemming vragen voor één verzoek, één keer te gebruiken
cli-consent-request-output = Nieuw bestand voor het verzoek, om aan de cliënt te geven
cli-consent-import-about = Een toestemming importeren die een cliënt met de eigen sleutel heeft ondertekend
cli-consent-import-file = Het ondertekende toestemmingsbestand dat de cliënt terugstuurde
cli-consent-form-about = Een afdrukbaar toestemmingsformulier maken voor een cliënt zonder sleutel, om op papier te ondertekenen
cli-consent-form-grantor = Dossier van de persoon aan wie toestemming wordt gevraagd
cli-consent-form-to = Dossier van de partner die de gegevens zou krijgen
cli-consent-form-third-party = Naam van een derde die de gegevens zou krijgen
cli-consent-form-role = Rol van de derde (advocaat, huisarts, nieuwe counsellor)
cli-consent-form-after-end = De toestemming zou ook na afronding van de begeleiding gelden
cli-consent-form-from = Eerste dag van geldigheid (JJJJ-MM-DD) [standaard: vandaag]
cli-consent-form-until = Laatste dag van geldigheid, inclusief (JJJJ-MM-DD) [standaard: geen einddatum]
cli-consent-form-purpose = Doel van de verstrekking, in gewone woorden
cli-consent-form-classes = Gegevens waarop de toestemming betrekking heeft, gescheiden door komma's [standaard: alle]
cli-consent-form-single-request = De toestemming zou voor één verzoek gelden, één keer te gebruiken
cli-consent-form-output = Nieuw bestand voor het formulier (Markdown, om af te drukken)
cli-export-about = Een versleutelde export maken voor één ontvanger, met alleen wat de toestemmingen toelaten
cli-export-for-person = De cliënt die de export ontvangt
cli-export-third-party = Naam van een derde die de export ontvangt
cli-export-role = Rol van de derde
cli-export-about-dossiers = Ook dit dossier meenemen (mag vaker worden opgegeven) [standaard: het eigen dossier en de koppeldossiers van de cliënt]
cli-export-recipient = Versleutelen voor deze age-ontvanger (age1…) of openbare SSH-sleutel (ssh-ed25519, ssh-rsa)
cli-export-recipient-file = De ontvanger uit dit bestand lezen (bijvoorbeeld id_ed25519.pub)
cli-export-passphrase = Versleutelen met een nieuw gemaakte wachtwoordzin, die één keer wordt getoond
cli-export-requested-on = Dag waarop de ontvanger om de gegevens vroeg (JJJJ-MM-DD) [standaard: vandaag]; een toestemming van vóór de afronding van de begeleiding heeft dan een herbevestiging nodig die op of na die dag is vastgelegd
cli-export-request = De toestemming voor één verzoek waar deze export op antwoordt (haar kenmerk); zo'n toestemming telt alleen hier, en één keer
cli-export-output = De export naar dit nieuwe bestand schrijven (- voor standaarduitvoer)
cli-export-armor = Als ASCII-tekst (armor) schrijven in plaats van binair
cli-export-yes = Niet om bevestiging vragen
cli-export-dry-run = Alleen tonen wat mee zou gaan en wat zou worden achtergehouden
cli-card-about = Je sleutelkaart tonen, zodat cliënten je handtekening op ontvangstbewijzen kunnen controleren
cli-card-output = De kaart naar dit nieuwe bestand schrijven in plaats van haar te tonen
cli-partner-about = De kant van de cliënt: je eigen sleutels, en een export openen
cli-partner-keygen-about = Je eigen sleutelpaar maken: een sleutelbestand, beveiligd met een wachtwoordzin, en een sleutelkaart voor je counsellor
cli-partner-keygen-key = Nieuw bestand voor je geheime sleutels
cli-partner-keygen-card = Nieuw bestand voor je sleutelkaart
cli-partner-open-about = Een export ontsleutelen en uitpakken, en het ondertekende ontvangstbewijs van de counsellor controleren
cli-partner-open-export = Het exportbestand dat je hebt ontvangen
cli-partner-open-key = Je sleutelbestand
cli-partner-open-counsellor-card = De sleutelkaart van je counsellor; daarmee worden de handtekening op het ontvangstbewijs en elk bestand gecontroleerd
cli-partner-open-output = Nieuwe map om de export in uit te pakken
cli-partner-sign-about = Een toestemmingsverzoek van je counsellor lezen en met je eigen sleutel ondertekenen
cli-partner-sign-request = Het bestand met het toestemmingsverzoek dat je kreeg
cli-partner-sign-key = Je sleutelbestand
cli-partner-sign-counsellor-card = De sleutelkaart van je counsellor, om te controleren dat het verzoek echt van hem of haar is en niet is gewijzigd
cli-partner-sign-output = Nieuw bestand voor je ondertekende toestemming, om terug te sturen
cli-partner-sign-yes = Ondertekenen zonder om bevestiging te vragen
cli-partner-withdraw-about = Een toestemming die je ondertekende intrekken, met je eigen sleutel
cli-partner-withdraw-consent = Het ondertekende toestemmingsbestand dat je naar je counsellor stuurde
cli-partner-withdraw-key = Je sleutelbestand
cli-partner-withdraw-output = Nieuw bestand voor je ondertekende intrekking, om naar je counsellor te sturen
cli-partner-withdraw-yes = Ondertekenen zonder om bevestiging te vragen
cli-partner-reverify-about = Een toestemming die je ondertekende opnieuw bevestigen, met je eigen sleutel
cli-partner-reverify-consent = Het ondertekende toestemmingsbestand dat je naar je counsellor stuurde
cli-partner-reverify-key = Je sleutelbestand
cli-partner-reverify-output = Nieuw bestand voor je ondertekende bevestiging, om naar je counsellor te sturen
cli-partner-reverify-yes = Ondertekenen zonder om bevestiging te vragen

## Fouten in de opdrachtregel

usage-missing-argument = een verplicht argument ontbreekt: { $argument }
usage-unknown-argument = onbekend argument: { $argument }
usage-invalid-value = ongeldige waarde { $value } voor { $argument }
usage-unknown-command = onbekende opdracht: { $command }
usage-conflict = { $argument } kan niet samen met { $other } worden gebruikt
usage-missing-command = geen opdracht opgegeven
usage-invalid = de opdrachtregel is ongeldig
hint-usage = Voer kluis --help uit voor de opdrachten, of kluis COMMAND --help voor één opdracht.

## Vragen en meldingen

prompt-passphrase = Wachtwoordzin van de kluis:
prompt-passphrase-again = Typ de wachtwoordzin nog een keer:
prompt-recovery-key = Herstelsleutel (AGE-SECRET-KEY-1…):
recover-new-passphrase = Kies een nieuwe wachtwoordzin voor de kluis.
recover-done = De kluis heeft een nieuwe wachtwoordzin. De herstelsleutel blijft dezelfde: bewaar hem offline.
input-note = de aantekening
init-recovery-saved = De herstelsleutel staat in { $path }. Bewaar hem offline (uitgeprint, achter slot en grendel). Met de herstelsleutel kun je de kluis openen als je de wachtwoordzin kwijt bent.
init-recovery-shown = Hieronder staat je herstelsleutel. Hij wordt alleen deze ene keer getoond: schrijf hem op of print hem, en bewaar hem offline. Met de herstelsleutel kun je de kluis openen als je de wachtwoordzin kwijt bent.
init-done = Kluis gemaakt in { $path }.
person-added = Dossier { $registration } aangemaakt.
couple-added = Koppeldossier { $registration } aangemaakt voor { $a } en { $b }.
counselling-ended = Vastgelegd: de begeleiding van { $registration } is afgerond op { $date }.
note-added = Aantekening ({ $kind }) toegevoegd aan { $registration }.
attachment-added = Bestand opgeslagen in { $registration }.
list-empty = De kluis bevat nog geen dossiers. Maak er een aan met: kluis person add
list-person = { $registration }  { $name }  (begeleiding { $period }; aantekeningen: { $notes }, werkaantekeningen: { $working }, bijlagen: { $attachments }, toestemmingen: { $consents })
list-couple = { $registration }  koppeldossier van { $partners }  (begeleiding { $period }; aantekeningen: { $notes }, werkaantekeningen: { $working })
show-person = Dossier van { $name } ({ $registration })
show-couple = Koppeldossier { $registration }
show-notes = Aantekeningen: { $count }
show-attachments = Bijlagen: { $count }
field-email = E-mail
field-phone = Telefoon
field-address = Adres
field-start = Begeleiding gestart
field-end = Begeleiding afgerond
field-couple = Koppeldossier
field-partner-a = Partner A
field-partner-b = Partner B
label-consent-form = ondertekend toestemmingsformulier
label-withdrawal-letter = intrekkingsbrief
label-reverification-form = ondertekende herbevestiging
consent-recorded = Toestemming { $consent } van { $grantor } vastgelegd.
consent-recorded-unusable = Let op: deze toestemming kan nu niet worden gebruikt ({ $state }). Ze is vastgelegd zoals ze is ondertekend; controleer de data en --after-end als dat niet overeenkomt met het formulier.
consent-withdrawn = Toestemming { $consent } ingetrokken. Op grond van deze toestemming wordt niets meer verstrekt; eerdere verstrekkingen blijven geldig.
consent-reverified = Toestemming { $consent } herbevestigd. Ze telt weer voor verzoeken die tot nu zijn gedaan.
consent-suspended = Toestemming { $consent } opgeschort: op grond van deze toestemming wordt niets verstrekt. Vraag de cliënt de intrekking schriftelijk te bevestigen en leg die brief daarna vast met --letter.
consent-none = Geen toestemmingen vastgelegd.
overview-title = Toestemmingen voor koppeldossier { $registration } op { $date }
overview-allowed = mag worden verstrekt onder { $consents }
overview-withheld = er wordt niets verstrekt ({ $rule }: { $reason })
overview-consent-until = toestemming { $consent }, geldig tot en met { $until }
overview-consent-open = toestemming { $consent }, zonder einddatum
class-intake = intake
class-session = gespreksverslagen
class-report = verslagen
class-attachment = bijlagen
class-joint = alinea's uit gezamenlijke gesprekken
consent-line = { $consent }  { $grantor } → { $recipient }  [{ $state }]  geldig { $period }; ook na de begeleiding: { $after_end }; doel: { $purpose }
period-bounded = van { $from } tot en met { $until }
period-open = vanaf { $from }, zonder einddatum
state-active = geldig
state-withdrawn = ingetrokken
state-suspended = opgeschort, in afwachting van schriftelijke bevestiging van de intrekking
state-expired = verlopen
state-not-yet-valid = nog niet geldig
state-ended = begeleiding afgerond, en de toestemming geldt niet na de begeleiding
state-needs-reverification = herbevestiging nodig voor verzoeken na afronding van de begeleiding
state-used = voor één verzoek, en al gebruikt

## Export

plan-title = Export voor { $recipient }
plan-allowed = Gaat mee ({ $count }):
plan-withheld = Achtergehouden ({ $count }):
plan-missing = Toestemming ontbreekt: { $person } heeft geen bruikbare toestemming gegeven voor deze ontvanger ({ $rule }).
export-confirm = Deze export wegschrijven? [ja/nee]
export-written = Export opgeslagen in { $path }.
export-passphrase = De export is versleuteld met deze wachtwoordzin. Geef hem apart aan de ontvanger (telefonisch, niet in dezelfde e-mail):
export-inform = Voor deze export is de toestemming van { $names } gebruikt. Informeer de betrokkene(n) dat deze gegevens zijn verstrekt.
card-shown = Geef deze kaart aan je cliënten; zij kunnen de vingerafdruk telefonisch met je vergelijken.
partner-keygen-done = Je sleutels staan in { $key } (houd dit bestand geheim) en je sleutelkaart staat in { $card }. Geef de kaart aan je counsellor en vergelijk de vingerafdruk { $fingerprint } telefonisch of persoonlijk.
partner-open-verified = Het ontvangstbewijs is ondertekend met de sleutel met vingerafdruk { $fingerprint }, en elk bestand komt ermee overeen (verstrekt: { $included }, achtergehouden: { $withheld }).
partner-open-unverified = De handtekening op het ontvangstbewijs is niet gecontroleerd: geef met --counsellor-card de sleutelkaart van je counsellor om dat te doen.
partner-open-done = De export is uitgepakt in { $path }.
card-registered = Sleutelkaart vastgelegd voor { $registration }. Vergelijk de vingerafdruk { $fingerprint } telefonisch of persoonlijk met de cliënt.
consent-requested = Toestemmingsverzoek { $consent } opgeslagen in { $path }. Geef het aan de cliënt; importeer de ondertekende toestemming die terugkomt met kluis consent import.
consent-imported = Toestemming { $consent }, ondertekend door de cliënt, geïmporteerd.
consent-form-written = Toestemmingsformulier opgeslagen in { $path }. Druk het af; leg na ondertekening door de cliënt de scan vast met kluis consent record.
consent-form-after-end-yes = Deze toestemming geldt ook na afronding van de begeleiding.
consent-form-after-end-no = Deze toestemming eindigt wanneer de begeleiding wordt afgerond.
consent-form-single-request = Ze geldt voor één verzoek en wordt één keer gebruikt.
consent-form = # Toestemming voor het delen van informatie

    Ik, { $grantor }, geef de counsellor toestemming om informatie over mij te delen met:

    { $recipient }

    - Welke informatie: { $classes }
    - Geldig: { $period }
    - { $after_end }
    - Doel: { $purpose }

    Persoonlijke werkaantekeningen van de counsellor worden nooit gedeeld. U kunt deze toestemming altijd schriftelijk intrekken (per brief of e-mail aan de praktijk). De intrekking geldt vanaf de dag van ontvangst; informatie die al eerder is gedeeld, blijft gedeeld.

    Plaats en datum: ______________________________

    Handtekening: ______________________________
withdrawal-imported = Intrekking { $withdrawal }, ondertekend door de cliënt, geïmporteerd. Onder de toestemming die ze noemt, wordt niets meer verstrekt.
reverification-imported = Herbevestiging { $reverification }, ondertekend door de cliënt, geïmporteerd.
partner-withdrawal-done = Je ondertekende intrekking staat in { $path }. Stuur het bestand naar je counsellor; ze geldt zodra het is geïmporteerd.
partner-reverification-done = Je ondertekende bevestiging staat in { $path }. Stuur het bestand naar je counsellor.
sign-request-summary = Je counsellor vraagt je toestemming voor het volgende:
  Over wiens gegevens: { $grantor }
  Aan wie: { $recipient }
  Welke gegevens: { $classes }
  Geldig: { $period }
  Ook na afronding van de begeleiding: { $after_end }
  Doel: { $purpose }
sign-request-withdraw = Je kunt deze toestemming altijd schriftelijk intrekken; wat al eerder is gedeeld, blijft gedeeld.
sign-request-single = Deze toestemming geldt voor één verzoek en wordt één keer gebruikt.
sign-request-checked = Het verzoek is ondertekend met de sleutel van je counsellor, met vingerafdruk { $fingerprint }. Werkaantekeningen van de counsellor worden nooit gedeeld.
sign-request-confirm = Deze toestemming ondertekenen? [ja/nee]
sign-request-done = Je ondertekende toestemming staat in { $path }. Stuur het bestand naar je counsellor.
statement-withdraw-summary = Je staat op het punt toestemming { $consent } in te trekken ("{ $purpose }", geldig { $period }). Zodra je counsellor deze intrekking heeft geïmporteerd, wordt er niets meer onder verstrekt; wat al eerder is gedeeld, blijft gedeeld.
statement-withdraw-confirm = Deze intrekking ondertekenen? [ja/nee]
statement-reverify-summary = Je staat op het punt toestemming { $consent } opnieuw te bevestigen ("{ $purpose }", geldig { $period }), zodat ze telt voor een verzoek van na afronding van de begeleiding.
statement-reverify-confirm = Deze bevestiging ondertekenen? [ja/nee]
export-receipt-file = ONTVANGSTBEWIJS.md
export-index-file = INHOUD.md
export-attachments-folder = bijlagen
export-paragraph-withheld = [Alinea { $paragraph } is achtergehouden: zie ONTVANGSTBEWIJS.md]
receipt-title = Ontvangstbewijs van de verstrekking
receipt-intro = Deze export is op { $date } gemaakt voor { $recipient }. Hieronder ziet u wat erin is opgenomen en wat is achtergehouden, met bij elk onderdeel de regel die de doorslag gaf.
receipt-included = Opgenomen
receipt-withheld = Achtergehouden
receipt-withheld-count = { $count ->
    [one] 1 onderdeel
   *[other] { $count } onderdelen
} ({ $reason })
receipt-none = (niets)
receipt-footer = Regels: R1 eigen gegevens; R2 gegevens over iemand anders alleen met toestemming van die persoon; R3 een derde alleen met een toestemming waarin die derde wordt genoemd; R4 na de begeleiding alleen als de toestemming dat vermeldt; R5 bij een verzoek na de begeleiding heeft een toestemming van vóór de afronding een herbevestiging nodig; R6 ingetrokken toestemmingen tellen niet meer mee; R7 verlopen toestemmingen tellen niet meer mee; R8 een toestemming voor één enkel verzoek telt alleen voor dat verzoek, en één keer; R9 betalen, contactpersoon zijn of partner zijn geeft geen recht op gegevens; R10 werkaantekeningen worden nooit verstrekt.
index-title = Inhoud van deze export
index-intro = Export voor { $recipient }, gemaakt op { $date }. Bestanden:
index-receipt = Wat is achtergehouden, en waarom, leest u in { $file }.
note-kind-intake = intake
note-kind-session = sessie
note-kind-report = verslag
note-kind-working-note = werkaantekening
about-partner-a = over partner A
about-partner-b = over partner B
about-both = over beide partners
item-note = { $registration }, aantekening { $number }: { $kind } van { $date }
item-paragraph = { $registration }, aantekening { $number }: { $kind } van { $date }, alinea { $paragraph } ({ $about })
item-attachment = { $registration }, bijlage { $number }: { $label } ({ $file })
reason-own-data = eigen gegevens
reason-consent-given = met toestemming van { $names }
reason-working-note = werkaantekeningen worden nooit verstrekt
reason-no-consent = { $person } heeft geen toestemming gegeven voor deze ontvanger
reason-partner-consent-third-party = toestemming { $consent } van { $person } geldt tussen partners en niet voor derden
reason-third-party-consent-person = toestemming { $consent } van { $person } is bedoeld voor een derde, niet voor deze cliënt
reason-not-after-end = de begeleiding van { $person } is afgerond en toestemming { $consent } geldt niet na de begeleiding
reason-withdrawn = { $person } heeft toestemming { $consent } ingetrokken
reason-suspended = { $person } heeft toestemming { $consent } mondeling of telefonisch ingetrokken; de toestemming is opgeschort tot de intrekking schriftelijk is bevestigd
reason-expired = toestemming { $consent } van { $person } was geldig tot en met { $date }
reason-not-yet-valid = toestemming { $consent } van { $person } is pas geldig vanaf { $date }
reason-reverification-missing = het verzoek van { $date } kwam na het einde van de begeleiding van { $person }, en toestemming { $consent }, gegeven vóór het einde, is sinds dat verzoek niet opnieuw bevestigd
reason-single-request-other = toestemming { $consent } van { $person } geldt voor één ander verzoek, niet voor dit verzoek
reason-single-request-used = toestemming { $consent } van { $person } gold voor één verzoek en is al gebruikt
reason-out-of-scope = toestemming { $consent } van { $person } geldt niet voor dit dossier of voor dit soort gegevens
reason-unknown-person = dit onderdeel gaat over een onbekende persoon ({ $person })
reason-no-data-subject = bij dit onderdeel staat niet over wie het gaat

## Fouten

io-reading = lezen
io-writing = schrijven
io-creating = aanmaken
io-locking = vergrendelen
io-removing = verwijderen
error-vault-not-found = er is geen kluis in { $path }
hint-vault-not-found = Maak er een aan met kluis init, of geef de map op met --vault DIR of KLUIS_VAULT.
error-vault-exists = { $path } is niet leeg; kluis init maakt alleen een kluis in een nieuwe of lege map
hint-vault-exists = Kies een andere map met --vault DIR.
error-unsupported-version = de kluis heeft formaatversie { $version }, die deze versie van kluis niet kent
hint-unsupported-version = Gebruik een nieuwere versie van kluis.
error-wrong-passphrase = de wachtwoordzin is onjuist
hint-wrong-passphrase = Controleer de wachtwoordzin en probeer het opnieuw. Ben je hem kwijt, stel dan met kluis recover en de herstelsleutel een nieuwe in.
error-wrong-key-passphrase = de wachtwoordzin van je sleutelbestand klopt niet
hint-wrong-key-passphrase = Gebruik de wachtwoordzin die je bij kluis partner keygen koos. Ben je hem kwijt, maak dan een nieuw sleutelpaar en geef de nieuwe kaart aan je counsellor.
error-wrong-recovery-key = deze herstelsleutel hoort niet bij deze kluis
hint-wrong-recovery-key = Gebruik de herstelsleutel die kluis init voor deze kluis liet zien; hij begint met AGE-SECRET-KEY-1.
error-invalid-recovery-key = dit is geen geldige herstelsleutel
error-empty-registration = het registratienummer is leeg
error-empty-name = de naam is leeg
error-empty-purpose = het doel is leeg
error-consent-to-self = een toestemming kan niet de toestemminggever zelf als ontvanger noemen: eigen gegevens gaan zonder toestemming naar de cliënt
hint-consent-to-self = Noem de partner met --to, of een derde met --third-party en --role.
error-weak-passphrase = de wachtwoordzin is te zwak: { $rule }
weak-too-short = hij moet minstens { $min } tekens lang zijn
weak-too-repetitive = hij moet minstens { $min } verschillende tekens bevatten
hint-weak-passphrase = Gebruik een zin van vier of meer woorden die niemand zou raden.
error-passphrase-mismatch = de twee wachtwoordzinnen zijn niet gelijk
error-no-passphrase = geen wachtwoordzin: er is geen terminal om erom te vragen
hint-no-passphrase = Stel KLUIS_PASSPHRASE in of gebruik --passphrase-file FILE.
error-locked = een andere kluis-opdracht wijzigt deze kluis op dit moment
hint-locked = Wacht tot die klaar is en probeer het opnieuw.
error-dossier-not-found = er is geen dossier { $reference }
hint-dossier-not-found = Met kluis list zie je de registratienummers.
error-registration-taken = registratienummer { $registration } is al in gebruik
hint-registration-taken = Elk dossier en elk koppeldossier heeft een eigen nummer nodig.
error-not-a-person = { $reference } is een koppeldossier, geen cliëntdossier
error-not-a-couple = { $reference } is geen koppeldossier
error-not-partners = { $reference } is in geen enkel koppeldossier de partner van degene die toestemming geeft
hint-not-partners = Voor iemand anders leg je een toestemming voor een derde vast met --third-party NAME --role ROLE.
error-item-not-found = er is geen { $reference } in dit dossier
hint-item-not-found = Met kluis show DOSSIER zie je de aantekeningen en bijlagen met hun nummers.
error-consent-not-found = er is geen toestemming { $reference }
hint-consent-not-found = Met kluis consent list zie je de toestemmingen met hun kenmerk.
error-already-withdrawn = toestemming { $reference } is al schriftelijk ingetrokken
error-invalid-token = toestemming { $token } is ongeldig: { $reason }
hint-invalid-token = Er is niets verstrekt. Als een toestemming niet meer te controleren is, is de kluis buiten het programma kluis om gewijzigd. Herstel de kluis uit een back-up.
token-malformed = ze is beschadigd of is geen toestemming uit kluis
token-bad-signature = de handtekening klopt niet
token-unknown-signer = ze is ondertekend met een sleutel die niet voor de ondertekenaar is geregistreerd
token-other-vault = ze hoort bij een andere kluis
token-unsupported-version = ze heeft formaatversie { $version }, die deze versie van kluis niet kent
token-inconsistent = ze spreekt zichzelf tegen ({ $what })
inconsistent-not-in-writing = een toestemming moet schriftelijk zijn gegeven
inconsistent-empty-validity = de geldigheidsperiode is leeg
inconsistent-empty-scope = ze heeft betrekking op niets
inconsistent-nothing-withdrawn = de intrekking noemt geen toestemming
inconsistent-wrong-dossier = ze staat in een ander dossier dan dat van de toestemminggever
inconsistent-data-period = ze beperkt de gegevens tot een periode, en die beperking kan deze versie niet toepassen
inconsistent-form-missing = het gescande formulier waar ze naar verwijst, staat niet in het dossier van de toestemminggever
inconsistent-not-requested = ze komt niet woord voor woord overeen met een toestemmingsverzoek van deze kluis
inconsistent-issued-in-future = ze is gedateerd in de toekomst
error-damaged = de kluis is beschadigd: { $what }
hint-damaged = Er is niets gewijzigd of verstrekt. Zet de kluismap terug uit een kopie van vóór de beschadiging.
damage-unreadable = { $file } kan niet worden gelezen
damage-modified = { $file } is buiten het programma kluis om gewijzigd
damage-missing = { $file } ontbreekt
damage-journal = het logboek is beschadigd bij vermelding { $seq }: { $problem }
journal-bad-signature = de handtekening klopt niet
journal-malformed = de vermelding is onleesbaar
journal-other-vault = de vermelding hoort bij een andere kluis
journal-wrong-number = de vermelding draagt een ander nummer
journal-broken-chain = de vermelding sluit niet aan op de vorige
journal-foreign-object = de vermelding verwijst naar een object dat bij een andere vermelding hoort
damage-foreign-identity = het identiteitsbestand hoort niet bij deze kluis
damage-in-dossier-changed = { $what } in het dossier { $registration } is buiten kluis om gewijzigd ({ $file })
damage-in-dossier-missing = { $what } in het dossier { $registration } ontbreekt ({ $file })
role-note = een aantekening
role-attachment = een bijlage
role-consent = een toestemming
role-withdrawal = een intrekking
error-nothing-to-disclose = er mag niets aan deze ontvanger worden verstrekt; de weigering is vastgelegd in het logboek
hint-nothing-to-disclose = Vraag de hierboven genoemde persoon om schriftelijke toestemming en leg die vast met kluis consent record.
error-not-confirmed = de export is niet bevestigd, dus er is niets weggeschreven
hint-not-confirmed = Antwoord ja op de vraag, of voeg in een script --yes toe.
error-output-exists = { $path } bestaat al, en kluis overschrijft nooit een bestand
hint-output-exists = Kies een andere bestandsnaam, of verwijder eerst het bestaande bestand.
error-binary-to-terminal = deze uitvoer is binair en zou als onleesbare tekens in de terminal verschijnen
hint-binary-to-terminal = Schrijf de uitvoer naar een bestand met -o FILE, of gebruik --armor bij een export.
error-not-utf8 = { $what } is geen UTF-8-tekst
hint-not-utf8 = Sla de tekst in je editor op als UTF-8, of bewaar het bestand als bijlage met kluis attach.
error-invalid-date = { $value } is geen geldige datum
hint-invalid-date = Schrijf datums als JJJJ-MM-DD, bijvoorbeeld 2026-03-02.
error-future-date = de datum { $value } ligt in de toekomst
hint-future-date = Geef de dag waarop het verzoek echt is gedaan.
error-end-before-start = de einddatum { $end } ligt vóór de begindatum { $start }
error-invalid-recipient = { $value } is geen age-ontvanger en geen openbare SSH-sleutel
hint-invalid-recipient = Gebruik een sleutel die begint met age1, ssh-ed25519 of ssh-rsa, of gebruik --passphrase.
error-secret-key-as-recipient = dit is een geheime sleutel, niet de openbare sleutel van de ontvanger; hij is niet gebruikt en niet getoond
hint-secret-key-as-recipient = Houd de geheime sleutel geheim. De openbare sleutel erbij krijg je met age-keygen -y, en begint met age1.
error-untagged-paragraph = alinea { $paragraph } van de gezamenlijke aantekening begint niet met [A], [B] of [A+B]
hint-untagged-paragraph = In een koppeldossier geeft elke alinea aan over wie ze gaat, zodat kluis weet aan wie ze mag worden verstrekt. Scheid alinea's met een lege regel.
error-empty-note = de aantekening is leeg, dus er is niets opgeslagen
error-ambiguous-tag = regel { $line } van de gezamenlijke aantekening lijkt op een label maar is geen [A], [B] of [A+B], en kan zo bij de verkeerde partner terechtkomen
error-not-linked = { $reference } is niet de partner van de cliënt en ook niet een van diens koppeldossiers
hint-not-linked = Voor een cliënt noemt --about de partner of het koppeldossier; gebruik voor anderen --third-party.
error-empty-paragraph = alinea { $paragraph } van de gezamenlijke aantekening heeft een label maar geen tekst
error-same-partner = een koppeldossier heeft twee verschillende cliëntdossiers nodig
error-registration-destroyed = registratienummer { $registration } hoorde bij een dossier dat is vernietigd, en blijft daar in het logboek bij horen
hint-registration-destroyed = Geef het nieuwe dossier een ander nummer; `kluis list` toont ook de nummers van vernietigde dossiers.
error-partner-in-couple = { $registration } is partner in { $count ->
    [one] koppeldossier { $couples }, waarvan de gezamenlijke aantekeningen
   *[other] de koppeldossiers { $couples }, waarvan de gezamenlijke aantekeningen
} ook over deze cliënt gaan, dus er is niets vernietigd
hint-partner-in-couple = Vernietig eerst { $count ->
    [one] het koppeldossier
   *[other] elk koppeldossier
}, als de belangen van de andere partner dat toelaten: kluis destroy { $couple } --reason REDEN
error-editor-failed = de editor { $editor } is met een fout gestopt, dus er is niets opgeslagen
hint-editor-failed = Stel EDITOR in op je editor, of geef de aantekening op met --file.
error-no-private-temp = er is geen map in het werkgeheugen voor het bestand van de editor, en kluis zet de tekst van aantekeningen niet op schijf
hint-no-private-temp = Geef de aantekening op met --file of via standaardinvoer.
error-disk-full = de schijf is vol bij het { $action } van { $path }; er is niets gewijzigd
hint-disk-full = Maak ruimte vrij en probeer het opnieuw.
error-invalid-card = dit is geen geldige kluis-sleutelkaart, of ze is gewijzigd
hint-invalid-card = Vraag de kaart opnieuw op; ze begint met -----BEGIN KLUIS KEY CARD-----.
error-card-of-other-person = deze sleutelkaart is vastgelegd voor { $reference } en kan dus niet voor iemand anders worden gebruikt
hint-card-of-other-person = Gebruik de kaart die deze cliënt je gaf, en vergelijk de vingerafdruk met de cliënt.
error-invalid-import = { $path } is geen geldige ondertekende verklaring: { $reason }
hint-invalid-import = Er is niets opgeslagen. Vraag de cliënt het ondertekende bestand opnieuw te sturen.
error-signature-not-confirmed = de ondertekening is niet bevestigd, dus er is niets ondertekend
hint-signature-not-confirmed = Antwoord ja op de vraag, of voeg --yes toe als je hebt gelezen wat je ondertekent.
error-invalid-key-file = dit is geen kluis-sleutelbestand
error-not-an-export = dit bestand is geen kluis-export, of het is beschadigd
error-not-for-this-key = deze export is niet voor jouw sleutel versleuteld
hint-not-for-this-key = Controleer of je het sleutelbestand gebruikt waarvan je de kaart aan je counsellor hebt gegeven.
error-unsafe-export-entry = de export bevat iets dat geen gewoon bestand is, en is daarom niet verder uitgepakt
error-receipt-invalid = het ondertekende ontvangstbewijs ontbreekt, is niet door je counsellor ondertekend of komt niet overeen met de bestanden
hint-receipt-invalid = Vertrouw de inhoud niet; vraag je counsellor om een nieuwe export.
error-invalid-request = dit toestemmingsverzoek is ongeldig, niet van de counsellor van wie je de kaart gaf, of het is gewijzigd
hint-invalid-request = Onderteken het niet; vraag je counsellor het verzoek opnieuw te sturen.
error-invalid-own-consent = dit bestand is geen toestemming die met jouw sleutel is ondertekend
hint-invalid-own-consent = Geef het ondertekende toestemmingsbestand dat kluis partner sign voor je maakte.
error-no-key-card = voor { $reference } is geen sleutelkaart vastgelegd, dus kan de cliënt een verzoek niet met een eigen sleutel ondertekenen
hint-no-key-card = Leg de kaart van de cliënt vast met kluis person card, of leg een ondertekend papieren formulier vast met kluis consent record.
error-already-imported = { $reference } is al eerder geïmporteerd; een ondertekende verklaring telt één keer
error-consent-expired = toestemming { $reference } is niet meer geldig en is daarom niet geïmporteerd
error-input-not-found = het bestand { $path } bestaat niet
error-input-not-a-file = { $path } is een map, geen bestand
error-input-no-permission = je hebt geen leesrechten voor { $path }
hint-input-file = Controleer de bestandsnaam en de map; ls laat zien wat er staat.
io-not-found = het bestand of een map in het pad bestaat niet
io-permission-denied = geen toegang
io-already-exists = het bestaat al
io-not-a-directory = een deel van het pad is een bestand, geen map
io-is-a-directory = het is een map, geen bestand
io-read-only = het bestandssysteem is alleen-lezen
error-io = het { $action } van { $path } is mislukt: { $reason }
error-internal = er is een onverwachte fout opgetreden: { $reason }

error-rolled-back = deze kluis is ouder dan de toestand die deze computer eerder heeft gecontroleerd: het logboek eindigt bij vermelding { $found }, maar hier is vermelding { $seen } al gezien
hint-rolled-back = Iemand of iets (een synchronisatiedienst, een teruggezette kopie) heeft oudere bestanden teruggezet; zo kan een ingetrokken toestemming terugkomen. Er is niets getoond of gewijzigd. Heb je bewust een back-up teruggezet, gebruik dan `kluis accept-restore`; zet anders de nieuwste kopie van de kluismap terug.
error-forked = de geschiedenis van deze kluis wijkt af van wat deze computer eerder heeft gecontroleerd: vermelding { $seq } is niet de vermelding die hier is gezien
hint-forked = Twee kopieën van de kluis zijn los van elkaar gewijzigd, of bestanden zijn vervangen. Er is niets getoond of gewijzigd. Zoek de kopie met het nieuwste werk; is dit de kopie die je wilt houden, gebruik dan `kluis accept-restore`.
error-seen-unreadable = wat deze computer over de laatst gecontroleerde toestand van de kluis bijhoudt, is beschadigd: { $path }
hint-seen-unreadable = Zet dat bestand opzij en voer `kluis check` uit op de kluis; bij de volgende keer openen wordt de huidige toestand opnieuw vastgelegd.
error-seen-unwritable = kluis kan de map niet gebruiken waarin het bijhoudt welke kluistoestand deze computer heeft gecontroleerd: { $path }
error-no-state-folder = er is geen map om bij te houden welke kluistoestand deze computer heeft gecontroleerd
hint-no-state-folder = Zet KLUIS_STATE_DIR op een eigen map waarin kluis mag schrijven.
journal-older-version = de vermelding heeft een oudere formaatversie dan de vermelding ervoor
journal-event-too-new = de vermelding legt een gebeurtenis vast die in haar formaatversie niet bestaat

cli-check-about = De hele kluis controleren: elke handtekening, het logboek, elk object, elke sleutel en toestemming, en of de kluis is teruggezet
cli-check-full = Ook de inhoud van elke bijlage lezen (trager; een snelle controle slaat die over)
cli-log-about = Het inzagelogboek van een cliënt of koppeldossier tonen, of het versleuteld voor de cliënt wegschrijven
cli-log-dossier = Registratienummer van de cliënt of het koppeldossier
cli-log-from = Alleen vanaf deze dag (JJJJ-MM-DD)
cli-log-until = Alleen tot en met deze dag (JJJJ-MM-DD)
cli-log-recipient = Het logboek versleuteld schrijven voor deze sleutel van de cliënt (age1… of een openbare SSH-sleutel)
cli-log-recipient-file = De sleutel van de cliënt uit dit bestand lezen (een sleutelkaart of een openbare SSH-sleutel)
cli-log-passphrase = Het logboek versleutelen met een nieuw gemaakte wachtwoordzin, die één keer wordt getoond
cli-log-output = Het versleutelde logboek naar dit nieuwe bestand schrijven (- voor standaarduitvoer)
cli-log-armor = Als ASCII-tekst (armor) schrijven in plaats van binair
cli-accept-restore-about = Een kluis aanvaarden die ouder is dan, of afwijkt van, wat deze computer eerder heeft gecontroleerd, zoals een bewust teruggezette back-up
cli-accept-restore-yes = Niet om bevestiging vragen
cli-destroy-about = Een dossier of koppeldossier voorgoed vernietigen: de bestanden worden overschreven en verwijderd, en het logboek legt vast dat het vernietigd is
cli-destroy-dossier = Registratienummer van het dossier of koppeldossier
cli-destroy-reason = Waarom: client-request (de cliënt heeft om verwijdering gevraagd, AVG art. 17) of retention-ended (de bewaartermijn is verstreken)
cli-destroy-yes = Niet vragen om het registratienummer te typen
destroy-what-person = het dossier van { $name } ({ $registration })
destroy-what-couple = het koppeldossier { $registration }
destroy-summary = Dit vernietigt { $what }: { $notes ->
    [one] 1 aantekening
   *[other] { $notes } aantekeningen
}, { $working ->
    [one] 1 werkaantekening
   *[other] { $working } werkaantekeningen
}, { $attachments ->
    [one] 1 bijlage
   *[other] { $attachments } bijlagen
} en { $consents ->
    [one] 1 toestemming
   *[other] { $consents } toestemmingen
}, in { $files ->
    [one] 1 bestand
   *[other] { $files } bestanden
}.
}, { $attachments ->
    [one] één bijlage
   *[other] { $attachments } bijlagen
} en { $consents ->
    [one] één toestemming
   *[other] { $consents } toestemmingen
}, in { $files ->
    [one] één bestand
   *[other] { $files } bestanden
}.
destroy-warning = Daarna kan niemand het nog lezen, jij ook niet, ook niet met de herstelsleutel. Het logboek bewaart alleen dat het bestond, wat eruit verstrekt is, en wanneer en waarom het vernietigd is. Kopieën elders (back-ups, oude kopieën van de kluismap) bewaren het totdat ook die verwijderd zijn.
destroy-confirm = Typ het registratienummer { $registration } om het te vernietigen:
destroy-done = { $registration } is vernietigd: { $files ->
    [one] 1 bestand is
   *[other] { $files } bestanden zijn
} overschreven en verwijderd. Het logboek legt het vast in vermelding { $seq }.
} overschreven en verwijderd. Het logboek legt het vast in vermelding { $seq }.
destroy-backups = De volgende `kluis backup` naar elke externe opslag verwijdert de bestanden daar ook. Een externe opslag die oude versies van bestanden bewaart, houdt ze totdat de eigen bewaarregels van die opslag ze verwijderen.
destroyed-dossier = { $registration } (vernietigd)
error-destroy-no-terminal = er is geen terminal om het registratienummer in te typen, dus er is niets vernietigd
hint-destroy-no-terminal = Voer de opdracht uit in een terminal, of voeg in een script --yes toe.
error-destroy-mistyped = je typte “{ $typed }”, niet het registratienummer, dus er is niets vernietigd
hint-destroy-mistyped = Typ het registratienummer precies zoals `kluis list` het toont.
error-destroy-incomplete = { $registration } is in het logboek vernietigd, maar { $count ->
    [one] 1 van de bestanden kon
   *[other] { $count } van de bestanden konden
} niet worden verwijderd: { $problem }
hint-destroy-incomplete = Los de oorzaak op; de volgende wijziging van de kluis verwijdert de bestanden, `kluis check` noemt ze tot dan, en kluis leest ze nooit.
error-dossier-destroyed = { $registration } is vernietigd op { $date }; de bestanden zijn weg
hint-dossier-destroyed = `kluis list` toont vernietigde dossiers met de datum en de reden.
list-destroyed = { $registration }: vernietigd op { $date }, { $reason }
destroy-reason-client-request = op verzoek van de cliënt
destroy-reason-retention-ended = de bewaartermijn was verstreken
error-problems-found = de controle vond { $count ->
    [one] 1 probleem
   *[other] { $count } problemen
}
hint-problems-found = Er is niets gewijzigd. Zet de beschadigde bestanden terug uit een back-up van vóór de schade en voer daarna opnieuw `kluis check --full` uit.
check-quick = Snelle controle van de kluis in { $path } (de inhoud van bijlagen wordt niet gelezen; gebruik daarvoor --full)
check-full = Volledige controle van de kluis in { $path }
check-covered = Gecontroleerd: vermeldingen in het logboek { $entries }, dossiers { $dossiers }, objecten { $objects }, toestemmingsverklaringen { $statements }; { $size } gelezen.
check-stopped = Daarna is niets meer gecontroleerd.
check-clean = Geen problemen gevonden.
check-rolled-back = de kluis is ouder dan de toestand die deze computer eerder heeft gecontroleerd: het logboek eindigt bij vermelding { $found }, maar hier is vermelding { $seen } al gezien
check-forked = vermelding { $seq } van het logboek wijkt af van de vermelding die deze computer eerder heeft gecontroleerd
check-damaged = { $what } in { $whose } { $problem } ({ $file })
check-problem-missing = ontbreekt
check-problem-changed = is buiten kluis gewijzigd
check-problem-unreadable = is onleesbaar
check-invalid-statement = { $what } in { $whose } is ongeldig: { $reason }
check-stray = het bestand { $file } is niet door kluis geschreven: geen vermelding in het logboek noemt het, en kluis leest het nooit; heb je het er niet zelf neergezet, dan heeft iemand anders dat gedaan
check-leftover = { $file } is overgebleven van een onderbroken schrijfactie; je kunt het veilig verwijderen
check-unlisted = { $file } is versleuteld voor de sleutels van deze kluis, maar geen vermelding in het logboek noemt het, dus kluis leest het nooit: een schrijfactie is onderbroken, of het is werk uit een andere kopie van de kluis
check-not-yet-shredded = { $file } hoort bij een vernietigd dossier en is nog niet verwijderd, omdat het verwijderen is onderbroken of mislukt; kluis leest het nooit, en de volgende wijziging verwijdert het
check-first-here = Deze computer had deze kluis nog niet eerder gecontroleerd; vanaf nu merkt hij het als de kluis wordt teruggezet.
check-item-record = de sleutel of de gegevens (naam, registratienummer)
check-item-note = aantekening { $number }
check-item-attachment = de beschrijving van bijlage { $number }
check-item-attachment-content = de inhoud van bijlage { $number }
check-item-consent = toestemming { $id }
check-item-withdrawal = intrekking { $id }
check-item-reverification = herbevestiging { $id }
check-item-card = sleutelkaart { $number }
check-item-request = het toestemmingsverzoek voor { $id }
check-whose-person = het dossier van { $name } ({ $registration })
check-whose-couple = het koppeldossier { $registration }
check-whose-registration = het dossier { $registration }
check-whose-unnamed = een dossier aangemaakt op { $date } (de naam is onleesbaar)
accept-restore-rolled-back = Deze computer heeft eerder vermelding { $seen } van deze kluis gecontroleerd; de kluis eindigt nu bij vermelding { $found }. Wat na vermelding { $found } is vastgelegd, staat niet in deze kopie.
accept-restore-forked = Vermelding { $seq } van deze kluis wijkt af van de vermelding die deze computer eerder heeft gecontroleerd; de kluis eindigt nu bij vermelding { $found }. Werk dat in de andere kopie is vastgelegd, staat niet in deze.
accept-restore-warning = Een toestemming die is ingetrokken nadat deze kopie is gemaakt, geldt weer als gegeven, een dossier dat daarna is vernietigd, is terug en moet opnieuw worden vernietigd, en latere verstrekkingen staan niet in het logboek. Controleer de toestemmingen en `kluis list` vóór de volgende export.
accept-restore-confirm = Deze toestand van de kluis aanvaarden en dat in het logboek vastleggen? [ja/nee]
accept-restore-nothing = Deze kluis bouwt voort op de toestand die deze computer eerder heeft gecontroleerd; er valt niets te aanvaarden.
accept-restore-done = Aanvaard. Het logboek legt dit vast in vermelding { $seq }.
log-heading = Inzagelogboek van { $whose }
log-heading-period = Inzagelogboek van { $whose }, { $from } tot en met { $until }
log-empty = In deze periode is niets ingezien of verstrekt.
log-shown = getoond aan { $user }: { $items }
log-log-exported = dit inzagelogboek is door { $user } aan de cliënt gestuurd, versleuteld voor { $key }
log-disclosed = verstrekt aan { $recipient }: { $items }; { $consents }; { $withheld } achtergehouden; versleuteld voor { $key }
log-withheld = export naar { $recipient }: niets van deze cliënt is verstrekt ({ $reason }); { $withheld } achtergehouden
log-refused = de export is geweigerd
log-nothing-of-client = geen toestemming voor de gegevens van deze cliënt
log-under-consent = met toestemming { $consents }
log-no-consent-needed = geen toestemming nodig (eigen gegevens van de cliënt)
log-restore-accepted = { $user } heeft een kopie van de kluis aanvaard die niet voortbouwt op wat deze computer tot en met vermelding { $seen } had gecontroleerd; de aanvaarde kopie eindigde bij vermelding { $accepted }, en wat alleen de andere kopie vastlegde, staat niet in dit logboek
log-items-in-couple = { $items } van het koppeldossier { $registration }
log-item-overview = de gegevens van het dossier en de lijst van onderdelen
log-item-paragraph = alinea { $paragraph } van aantekening { $note }
log-item-attachment = bijlage { $number }
log-items-unknown = { $count ->
    [one] een onderdeel dat niet meer in het dossier staat
   *[other] { $count } onderdelen die niet meer in het dossier staan
}
log-document-intro = Dit overzicht toont elke keer dat uw dossier in het registratiesysteem van de praktijk is ingezien, en elke keer dat gegevens eruit zijn gedeeld, met wie en op grond van welke toestemming. Tijden zijn in Nederlandse tijd.
log-document-made = Gemaakt op { $date } door kluis. Vingerafdruk van de sleutel van de counsellor: { $counsellor }
log-written = Inzagelogboek geschreven naar { $path }.
error-restore-not-accepted = de oudere toestand is niet aanvaard, dus er is niets geschreven
log-couple-destroyed = het koppeldossier { $registration } is vernietigd door { $user }, { $reason }
log-couple-log-exported = het inzagelogboek van het koppeldossier { $registration } is door { $user } aan een partner gestuurd, versleuteld voor { $key }
check-not-an-entry = het bestand { $file } is geen vermelding van het logboek: een synchronisatiedienst heeft misschien een tegenstrijdige kopie van de kluis bewaard, die op twee computers is gewijzigd

## Back-ups

cli-backup-about = Een back-up van de kluis maken op een externe opslag (S3-compatibele opslag, WebDAV of een map); alleen wat daar ontbreekt, wordt verstuurd
cli-backup-remote = Waarheen: s3://BUCKET/PREFIX?endpoint=…&region=…, webdav+https://HOST/PAD, een map, of een naam uit het bestand met opslagen
cli-backup-quiet = Niets tonen, tenzij er iets misgaat
cli-backup-repair = Elk bestand opnieuw versturen, om een opslag te herstellen die bestanden kwijtraakte of beschadigde (zie `kluis remote check --full`)
cli-backup-json = Eén regel JSON voor scripts tonen in plaats van tekst
cli-restore-about = Een kluis van een externe opslag terugzetten in een nieuwe map, gecontroleerd vóór gebruik
cli-restore-remote = De externe opslag met de back-up
cli-restore-destination = De nieuwe (of lege) map voor de teruggezette kluis
cli-restore-at = De toestand bij deze logboekvermelding terugzetten in plaats van de nieuwste (zie `kluis remote states`)
cli-restore-yes = Niet om bevestiging vragen voordat een oudere toestand dan deze computer zag wordt aanvaard
cli-remote-about = Een externe opslag met back-ups controleren en de toestanden erop tonen
cli-remote-check-about = Een externe opslag controleren: logboek, handtekeningen, hashketen en of elk object er is; met --full ook de inhoud van elk object
cli-remote-check-remote = De externe opslag die je wilt controleren
cli-remote-check-full = Elk object downloaden en de SHA-256 ervan vergelijken met het logboek (trager)
cli-remote-check-json = Eén regel JSON voor scripts tonen in plaats van tekst
cli-remote-states-about = De toestanden tonen die je van een externe opslag kunt terugzetten: logboekvermeldingen en hun datum
cli-remote-states-remote = De externe opslag die je wilt bekijken
cli-remote-states-all = Eén regel per logboekvermelding in plaats van één per dag

backup-sending = Versturen
backup-progress = { $done }/{ $files } bestanden, { $size }
backup-up-to-date = De back-up in { $remote } is bijgewerkt (logboekvermelding { $seq }).
backup-done = Back-up gemaakt in { $remote }: logboekvermelding { $before } → { $after }; { $files ->
    [one] 1 bestand
   *[other] { $files } bestanden
} verstuurd ({ $objects ->
    [one] 1 object
   *[other] { $objects } objecten
}, { $entries ->
    [one] 1 logboekvermelding
   *[other] { $entries } logboekvermeldingen
}), { $size }.
backup-resumed = { $count ->
    [one] 1 bestand stond
   *[other] { $count } bestanden stonden
} er al en { $count ->
    [one] is
   *[other] zijn
} niet opnieuw verstuurd.
backup-removed = { $count ->
    [one] 1 bestand van een vernietigd dossier is
   *[other] { $count } bestanden van vernietigde dossiers zijn
} van de externe opslag verwijderd.
backup-rolled-back = Let op: de externe opslag is teruggezet: deze computer had er tot logboekvermelding { $seen } naartoe gestuurd, maar er stond alleen tot vermelding { $found }. De ontbrekende toestand is opnieuw verstuurd. De opslag is bestanden kwijtgeraakt of heeft ze vervangen; voer `kluis remote check --full` erop uit.
restore-fetching = Ophalen
restore-older = Deze computer zag eerder logboekvermelding { $seen } van deze kluis; de toestand die je terugzet eindigt bij vermelding { $found }. Wat na vermelding { $found } is vastgelegd, staat er niet in. Aanvaard je hem, dan volgt deze computer voortaan de teruggezette kopie: de kluis die je nu hebt (als die er is) wordt dan geweigerd als een andere geschiedenis.
restore-confirm = Deze oudere toestand terugzetten en dat in het logboek vastleggen? [ja/nee]
restore-done = Teruggezet in { $path } bij logboekvermelding { $seq }: { $files } bestanden, { $size }, alles gecontroleerd.
restore-not-latest = De externe opslag heeft nieuwere toestanden, tot vermelding { $head }.
restore-damaged = De gedownloade kopie doorstond de volledige controle niet; er is niets in de doelmap gezet.
remote-check-reading = Lezen
remote-check-quick = Snelle controle van de back-up in { $remote } (objecten buiten pakketten worden niet gedownload; gebruik daarvoor --full)
remote-check-full = Volledige controle van de back-up in { $remote }
remote-check-covered = Gecontroleerd: logboekvermeldingen { $entries } (HEAD bij { $head }), objecten { $objects }; { $size } gedownload.
remote-check-no-vault = Er is hier geen kluis om mee te vergelijken; de externe opslag is vergeleken met wat deze computer er eerder van zag.
remote-check-first-sight = Er is hier geen kluis, en deze computer had deze externe opslag nog niet eerder gezien: de handtekeningen tonen dat de bestanden bij elkaar horen, niet van wie de kluis is. Vanaf nu merkt deze computer het als de opslag wordt teruggezet.
remote-check-behind = De back-up staat bij logboekvermelding { $head }, de kluis in { $path } bij { $local }: voer `kluis backup` uit om hem bij te werken.
remote-check-ahead = De back-up staat bij logboekvermelding { $head }, verder dan de kluis in { $path } bij { $local }: hij bevat werk dat deze kluis niet heeft. `kluis backup` weigert ernaartoe te sturen; zet hem terug in een nieuwe map om dat werk te zien.
remote-check-unlisted = { $count ->
    [one] Er staat 1 object dat
   *[other] Er staan { $count } objecten die
} geen logboekvermelding noemt, zoals een onderbroken back-up ze achterlaat; de volgende back-up maakt de back-up af.
remote-check-removed-pending = { $count ->
    [one] Er staat nog 1 bestand van een vernietigd dossier op de externe opslag; de volgende `kluis backup` vanaf deze computer verwijdert het.
   *[other] Er staan nog { $count } bestanden van vernietigde dossiers op de externe opslag; de volgende `kluis backup` vanaf deze computer verwijdert ze.
}
} op de externe opslag; de volgende `kluis backup` vanaf deze computer verwijdert ze.
remote-finding-missing = het bestand { $file } ontbreekt op de externe opslag
remote-finding-modified = het bestand { $file } op de externe opslag wijkt af van wat het logboek vastlegde
remote-finding-head = HEAD op de externe opslag klopt niet of noemt geen vermelding uit het logboek
remote-finding-rolled-back = de externe opslag is teruggezet: het logboek eindigt bij vermelding { $found }, maar deze computer heeft er vermelding { $seen } naartoe gestuurd of gecontroleerd
remote-finding-forked = vermelding { $seq } op de externe opslag wijkt af van de vermelding die deze computer verstuurde of controleerde
remote-states-title = Toestanden in { $remote } (HEAD bij logboekvermelding { $head }):
remote-states-day = { $day }: vermeldingen { $first }–{ $last } ({ $from }–{ $until })
remote-states-hint = Zet er een terug met `kluis restore OPSLAG MAP --at VERMELDING`; `--all` toont elke vermelding.

error-remote-problems-found = de controle van de externe opslag vond { $count ->
    [one] 1 probleem
   *[other] { $count } problemen
}
hint-remote-rolled-back = De opslag gaf een oudere toestand terug dan deze computer stuurde. Voer `kluis backup` uit vanuit de kluis om de ontbrekende toestand opnieuw te sturen, en vraag de aanbieder wat er is gebeurd.
error-destination-not-empty = { $path } is niet leeg; kluis zet een kluis alleen terug in een nieuwe of lege map
hint-destination-not-empty = Kies een nieuwe map. Terugzetten schrijft nooit in de kluis die je hebt.
error-remote = externe opslag { $remote }: { $problem }
remote-problem-invalid = dit is geen externe opslag die kluis begrijpt
remote-problem-unknown-scheme = kluis kent dit soort URL niet
remote-problem-unknown-option = de optie { $option } is onbekend
remote-problem-unknown-name = er is geen externe opslag met deze naam in het bestand met opslagen, en geen map met deze naam
remote-problem-credentials-in-url = de URL bevat inloggegevens
remote-problem-unencrypted = gewoon http mag alleen naar deze computer
remote-problem-denied = de opslag weigerde de toegang
remote-problem-no-credentials = er is geen login voor gevonden, dus er is niets verstuurd
remote-problem-no-such-place = de bucket of map bestaat niet
remote-problem-unreachable = hij is niet bereikbaar
remote-problem-refused = de opslag weigerde een verzoek
remote-problem-refused-status = de opslag weigerde een verzoek (HTTP-status { $status })
remote-problem-folder-failed = lezen of schrijven in de map is mislukt
hint-remote-folder-failed = Controleer of de schijf is aangesloten, vrije ruimte heeft, en of je in de map mag schrijven. Een onderbroken back-up gaat verder waar hij stopte.
remote-problem-no-backup = er staat geen back-up op
remote-problem-other-vault = er staat een back-up van een andere kluis op
remote-problem-ahead = hij staat bij logboekvermelding { $remote }, verder dan deze kluis bij vermelding { $local }
remote-problem-forked = zijn logboekvermelding { $seq } wijkt af van die van deze kluis
remote-problem-no-such-state = er staat geen logboekvermelding { $seq } op
remote-problem-damaged = hij is beschadigd: { $what }
remote-problem-destroyed-since = de toestand bij logboekvermelding { $seq } is niet volledig terug te zetten: een dossier daarin is vernietigd in vermelding { $destroyed }, en back-ups verwijderen de bestanden van een vernietigd dossier
error-remote-removal = externe opslag { $remote }: de back-up is verstuurd, maar het verwijderen van de bestanden van vernietigde dossiers is mislukt: { $problem }
hint-remote-removal = Tot een back-up slaagt, staan er nog bestanden van een vernietigd dossier op de externe opslag; de volgende `kluis backup` verwijdert ze.
hint-remote-invalid = Gebruik s3://BUCKET/PREFIX, webdav+https://HOST/PAD, een map, of een naam uit het bestand met opslagen (README, "Back-ups").
hint-remote-unknown-name = Zet de naam in het bestand met opslagen (README, "Back-ups"), of schrijf een map als pad, zoals ./backup, en maak hem eerst aan.
hint-remote-credentials = Zet de inloggegevens in de omgeving: KLUIS_WEBDAV_USER en KLUIS_WEBDAV_PASSWORD, of de AWS-variabelen en -bestanden voor S3.
hint-remote-unencrypted = Gebruik https://. Gewoon http wordt alleen geaccepteerd voor 127.0.0.1, ::1 en localhost.
hint-remote-denied = Controleer de inloggegevens: AWS_ACCESS_KEY_ID en AWS_SECRET_ACCESS_KEY (of ~/.aws/credentials) voor S3, KLUIS_WEBDAV_USER en KLUIS_WEBDAV_PASSWORD voor WebDAV.
hint-remote-no-such-place = Maak de bucket of map eerst aan; kluis maakt geen van beide aan. Controleer bij een externe schijf of hij is aangesloten en gekoppeld.
hint-remote-unreachable = Controleer het adres en de netwerkverbinding en voer de opdracht opnieuw uit. Een onderbroken back-up gaat verder waar hij stopte.
hint-remote-no-backup = Controleer het adres, of voer `kluis backup` uit om daar de eerste back-up te maken.
hint-remote-other-vault = Gebruik voor elke kluis een eigen bucket, prefix of map.
hint-remote-ahead = De back-up bevat nieuwer werk dan deze kluis. Er is niets verstuurd. Zet de back-up met `kluis restore` terug in een nieuwe map en vergelijk, of controleer of dit de juiste kluis is.
hint-remote-forked = De back-up en deze kluis zijn los van elkaar gewijzigd. Er is niets verstuurd. Zet de back-up met `kluis restore` terug in een nieuwe map om het werk erin te zien, en houd de kopie met het nieuwste werk.
hint-remote-no-such-state = `kluis remote states` toont de vermeldingen op de externe opslag.
hint-remote-destroyed-since = Zet logboekvermelding { $first } of een latere terug.
hint-remote-damaged = Er is niets gewijzigd op deze computer. Voer `kluis remote check --full` uit voor alle problemen en daarna `kluis backup --repair` vanuit een onbeschadigde kluis om de opslag te herstellen.
