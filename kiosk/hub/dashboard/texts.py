"""The dashboard's words in Finnish, Swedish and English: one dict entry per text.

Why a dict and not a gettext catalogue: the dashboard has a few dozen short texts, templates and
the page's JavaScript both need them, and a test (tests/browser/test_texts.py) can prove at once
that every text has every language. ``{name}`` placeholders are filled with ``str.format``.
"""

from __future__ import annotations

LANGUAGES = ("fi", "sv", "en")
DEFAULT_LANGUAGE = "fi"
LANGUAGE_NAMES = {"fi": "Suomi", "sv": "Svenska", "en": "English"}
# The visitor's language as shown to staff: kiosks also offer Northern Sámi.
VISITOR_LANGUAGES = {**LANGUAGE_NAMES, "se": "Davvisámegiella"}

TEXTS: dict[str, dict[str, str]] = {
    "title": {
        "fi": "Digituki – apupyynnöt",
        "sv": "Digistöd – hjälpkö",
        "en": "Digital support – help queue",
    },
    "login_heading": {"fi": "Kirjaudu sisään", "sv": "Logga in", "en": "Log in"},
    "name": {"fi": "Käyttäjätunnus", "sv": "Användarnamn", "en": "User name"},
    "password": {"fi": "Salasana", "sv": "Lösenord", "en": "Password"},
    "log_in": {"fi": "Kirjaudu", "sv": "Logga in", "en": "Log in"},
    "log_out": {"fi": "Kirjaudu ulos", "sv": "Logga ut", "en": "Log out"},
    "wrong_login": {
        "fi": "Väärä tunnus tai salasana.",
        "sv": "Fel användarnamn eller lösenord.",
        "en": "Wrong name or password.",
    },
    "locked": {
        "fi": (
            "Liian monta epäonnistunutta yritystä. Yritä uudelleen {minutes} minuutin "
            "kuluttua tai pyydä ylläpitäjältä uusi salasana."
        ),
        "sv": (
            "För många misslyckade försök. Försök igen om {minutes} minuter eller be en "
            "administratör om ett nytt lösenord."
        ),
        "en": (
            "Too many failed attempts. Try again in {minutes} minutes or ask an admin for a "
            "new password."
        ),
    },
    "form_expired": {
        "fi": "Lomake vanheni. Yritä uudelleen.",
        "sv": "Formuläret har gått ut. Försök igen.",
        "en": "The form expired. Please try again.",
    },
    "session_ended": {
        "fi": "Istunto päättyi. Kirjaudu uudelleen.",
        "sv": "Sessionen har upphört. Logga in igen.",
        "en": "Your session ended. Please log in again.",
    },
    "logged_out": {
        "fi": "Olet kirjautunut ulos.",
        "sv": "Du har loggat ut.",
        "en": "You have logged out.",
    },
    "queue": {"fi": "Jono", "sv": "Kö", "en": "Queue"},
    "history": {"fi": "Tänään", "sv": "I dag", "en": "Today"},
    "messages_edit": {"fi": "Pikaviestit", "sv": "Snabbmeddelanden", "en": "Quick messages"},
    "empty_queue": {
        "fi": "Kukaan ei odota apua juuri nyt.",
        "sv": "Ingen väntar på hjälp just nu.",
        "en": "Nobody is waiting for help right now.",
    },
    "live": {"fi": "Ajan tasalla", "sv": "Uppdateras live", "en": "Live"},
    "reconnecting": {"fi": "Yhdistetään uudelleen…", "sv": "Ansluter igen…", "en": "Reconnecting…"},
    "sound": {"fi": "Äänimerkki", "sv": "Ljudsignal", "en": "Sound alert"},
    "sound_needs_click": {
        "fi": "Napauta sivua, niin äänimerkki toimii.",
        "sv": "Tryck på sidan för att aktivera ljudet.",
        "en": "Tap the page once to enable the sound.",
    },
    "new_request": {
        "fi": "Uusi apupyyntö: {place}",
        "sv": "Ny hjälpbegäran: {place}",
        "en": "New request: {place}",
    },
    "escalated_alert": {
        "fi": "Odottanut liian kauan: {place}",
        "sv": "Väntat för länge: {place}",
        "en": "Waited too long: {place}",
    },
    "message_key": {"fi": "Tunnus", "sv": "Nyckel", "en": "Key"},
    "on_duty": {"fi": "Päivystän", "sv": "I tjänst", "en": "On duty"},
    "off_duty": {"fi": "En päivystä", "sv": "Inte i tjänst", "en": "Off duty"},
    "go_on_duty": {"fi": "Aloita päivystys", "sv": "Gå i tjänst", "en": "Go on duty"},
    "go_off_duty": {"fi": "Lopeta päivystys", "sv": "Gå ur tjänst", "en": "Go off duty"},
    "helpers_on_duty": {
        "fi": "Päivystäjät: {names}",
        "sv": "I tjänst: {names}",
        "en": "On duty: {names}",
    },
    "nobody_on_duty": {"fi": "Kukaan ei päivystä", "sv": "Ingen i tjänst", "en": "Nobody on duty"},
    "waited": {"fi": "Odottanut", "sv": "Väntat", "en": "Waiting"},
    "minutes_seconds": {"fi": "{m} min {s} s", "sv": "{m} min {s} s", "en": "{m} min {s} s"},
    "escalated": {"fi": "Odottanut liian kauan", "sv": "Väntat för länge", "en": "Waited too long"},
    "topic": {"fi": "Aihe", "sv": "Ämne", "en": "Topic"},
    "no_topic": {"fi": "(ei aihetta)", "sv": "(inget ämne)", "en": "(no topic)"},
    "doing": {"fi": "Tekemässä", "sv": "Håller på med", "en": "Doing"},
    "stuck": {"fi": "jumissa {m} min", "sv": "fast i {m} min", "en": "stuck for {m} min"},
    "language": {"fi": "Kieli", "sv": "Språk", "en": "Language"},
    "large_text": {
        "fi": "Iso teksti {size} %",
        "sv": "Stor text {size} %",
        "en": "Large text {size} %",
    },
    "read_aloud": {"fi": "Ääneen luku päällä", "sv": "Uppläsning på", "en": "Read aloud on"},
    "waiting": {"fi": "Odottaa", "sv": "Väntar", "en": "Waiting"},
    "taken_by": {"fi": "Ottanut: {name}", "sv": "Tagen av {name}", "en": "Taken by {name}"},
    "take": {"fi": "Otan tämän", "sv": "Jag tar den", "en": "Take"},
    "give_back": {"fi": "Palauta jonoon", "sv": "Lämna tillbaka", "en": "Give back"},
    "move_to": {
        "fi": "Siirrä toiseen toimipisteeseen",
        "sv": "Flytta till annat ställe",
        "en": "Move to another site",
    },
    "move": {"fi": "Siirrä", "sv": "Flytta", "en": "Move"},
    "send_message": {"fi": "Lähetä viesti", "sv": "Skicka meddelande", "en": "Send a message"},
    "message_sent": {
        "fi": "Viesti lähetetty: {text}",
        "sv": "Meddelandet skickat: {text}",
        "en": "Message sent: {text}",
    },
    "resolve": {"fi": "Merkitse hoidetuksi", "sv": "Markera som klar", "en": "Resolve"},
    "resolve_heading": {
        "fi": "Miten autettiin?",
        "sv": "Hur hjälpte du?",
        "en": "How did you help?",
    },
    "need_type": {"fi": "Tarve", "sv": "Behov", "en": "Need"},
    "need_no_device": {"fi": "Ei omaa laitetta", "sv": "Ingen egen enhet", "en": "No own device"},
    "need_buying_device": {
        "fi": "Laitteen hankinta",
        "sv": "Köpa en enhet",
        "en": "Buying a device",
    },
    "need_own_device_guidance": {
        "fi": "Oman laitteen tai sisällön opastus",
        "sv": "Handledning i egen enhet eller innehåll",
        "en": "Own device or content guidance",
    },
    "need_try_safely": {"fi": "Turvallinen kokeilu", "sv": "Prova tryggt", "en": "Try safely"},
    "need_service_instructions": {
        "fi": "Tietyn palvelun ohjeet",
        "sv": "Instruktioner för en viss tjänst",
        "en": "Instructions for a specific service",
    },
    "need_other": {"fi": "Muu", "sv": "Annat", "en": "Other"},
    "level": {"fi": "Osaamistaso (1–4)", "sv": "Kunskapsnivå (1–4)", "en": "Level (1–4)"},
    "service_area": {"fi": "Palvelualue", "sv": "Tjänsteområde", "en": "Service area"},
    "on_behalf": {
        "fi": "Asioin asiakkaan puolesta",
        "sv": "Jag skötte ärendet för besökaren",
        "en": "I acted on the visitor's behalf",
    },
    "on_behalf_staff_only": {
        "fi": "Vapaaehtoiset eivät asioi asiakkaan puolesta.",
        "sv": "Frivilliga sköter inte ärenden för besökaren.",
        "en": "Volunteers never act on a visitor's behalf.",
    },
    "save": {"fi": "Tallenna", "sv": "Spara", "en": "Save"},
    "cancel": {"fi": "Peruuta", "sv": "Avbryt", "en": "Cancel"},
    "fill_all": {
        "fi": "Täytä kaikki kentät.",
        "sv": "Fyll i alla fält.",
        "en": "Please fill in every field.",
    },
    "failed": {
        "fi": "Ei onnistunut: {detail}",
        "sv": "Misslyckades: {detail}",
        "en": "Did not work: {detail}",
    },
    "network_error": {
        "fi": "Yhteys palvelimeen katkesi. Yritä uudelleen.",
        "sv": "Anslutningen till servern bröts. Försök igen.",
        "en": "The connection to the server failed. Please try again.",
    },
    "history_heading": {
        "fi": "Tämän päivän apupyynnöt",
        "sv": "Dagens hjälpbegäranden",
        "en": "Today's requests",
    },
    "history_empty": {
        "fi": "Ei apupyyntöjä tänään.",
        "sv": "Inga hjälpbegäranden i dag.",
        "en": "No requests today.",
    },
    "time": {"fi": "Aika", "sv": "Tid", "en": "Time"},
    "site": {"fi": "Toimipiste", "sv": "Ställe", "en": "Site"},
    "place": {"fi": "Paikka", "sv": "Plats", "en": "Place"},
    "state": {"fi": "Tila", "sv": "Status", "en": "State"},
    "helper": {"fi": "Auttaja", "sv": "Hjälpare", "en": "Helper"},
    "outcome": {"fi": "Tulos", "sv": "Resultat", "en": "Outcome"},
    "state_waiting": {"fi": "odottaa", "sv": "väntar", "en": "waiting"},
    "state_claimed": {"fi": "otettu", "sv": "tagen", "en": "taken"},
    "state_resolved": {"fi": "hoidettu", "sv": "klar", "en": "resolved"},
    "state_cancelled": {"fi": "peruttu", "sv": "avbruten", "en": "cancelled"},
    "state_expired": {"fi": "vanhentunut", "sv": "utgången", "en": "expired"},
    "yes": {"fi": "kyllä", "sv": "ja", "en": "yes"},
    "messages_heading": {
        "fi": "Pikaviestit: {site}",
        "sv": "Snabbmeddelanden: {site}",
        "en": "Quick messages: {site}",
    },
    "messages_help": {
        "fi": "Kioski näyttää viestin isolla ja lukee sen ääneen asiakkaan kielellä.",
        "sv": "Kiosken visar meddelandet i stor text och läser upp det på besökarens språk.",
        "en": (
            "The kiosk shows the message in large type and reads it aloud in the "
            "visitor's language."
        ),
    },
    "messages_saved": {
        "fi": "Viestit tallennettu.",
        "sv": "Meddelandena sparade.",
        "en": "Messages saved.",
    },
    "message_missing": {
        "fi": "Viestillä {key} ei ole tekstiä kielellä {lang}.",
        "sv": "Meddelandet {key} saknar text på {lang}.",
        "en": "Message {key} has no text in {lang}.",
    },
    "no_access": {
        "fi": "Sinulla ei ole oikeutta tähän toimipisteeseen.",
        "sv": "Du har inte behörighet till detta ställe.",
        "en": "You do not serve this site.",
    },
    "kiosks": {"fi": "Kioskit", "sv": "Kiosker", "en": "Kiosks"},
    "kiosks_heading": {
        "fi": "Toimipisteideni kioskit",
        "sv": "Kioskerna på mina ställen",
        "en": "Kiosks at my sites",
    },
    "kiosks_help": {
        "fi": (
            "Paina ”Avaa kioski” ja näppäile kuusi numeroa kyseisellä kioskilla, niin se siirtyy "
            "avustettuun tilaan sinun nimissäsi. Koodi toimii kerran, {minutes} minuutin ajan."
        ),
        "sv": (
            "Tryck på ”Lås upp kiosken” och knappa in de sex siffrorna på den kiosken, så går den "
            "till assisterat läge i ditt namn. Koden fungerar en gång, i {minutes} minuter."
        ),
        "en": (
            "Press “Unlock kiosk” and type the six digits on that kiosk to switch it into "
            "assisted mode in your name. The code works once, for {minutes} minutes."
        ),
    },
    "kiosks_empty": {
        "fi": "Toimipisteissäsi ei ole kioskeja.",
        "sv": "Det finns inga kiosker på dina ställen.",
        "en": "There are no kiosks at your sites.",
    },
    "unlock_kiosk": {"fi": "Avaa kioski", "sv": "Lås upp kiosken", "en": "Unlock kiosk"},
    "unlock_code_for": {
        "fi": "Avauskoodi kioskille {place}",
        "sv": "Upplåsningskod för kiosken {place}",
        "en": "Unlock code for {place}",
    },
    "unlock_code_valid": {
        "fi": "Voimassa klo {time} asti, kerran. Älä näytä koodia muille.",
        "sv": "Gäller till kl. {time}, en gång. Visa inte koden för andra.",
        "en": "Valid until {time}, once. Do not show the code to others.",
    },
    "unlock_code_left": {
        "fi": "Aikaa jäljellä {m} min {s} s",
        "sv": "{m} min {s} s kvar",
        "en": "{m} min {s} s left",
    },
    "unlock_code_expired": {
        "fi": "Koodi on vanhentunut. Pyydä tarvittaessa uusi.",
        "sv": "Koden har gått ut. Be om en ny vid behov.",
        "en": "The code has expired. Ask for a new one if needed.",
    },
    "online": {"fi": "Verkossa", "sv": "Ansluten", "en": "Online"},
    "offline": {"fi": "Ei yhteyttä", "sv": "Inte ansluten", "en": "Offline"},
    "last_seen": {"fi": "Viimeksi yhteydessä", "sv": "Senast ansluten", "en": "Last seen"},
    "never": {"fi": "ei koskaan", "sv": "aldrig", "en": "never"},
    "audit_log": {"fi": "Tapahtumaloki", "sv": "Händelselogg", "en": "Audit log"},
    "audit_heading": {
        "fi": "Henkilökunnan toimet",
        "sv": "Personalens åtgärder",
        "en": "Staff actions",
    },
    "audit_help": {
        "fi": "Kuka, milloin, millä kioskilla ja mitä. Uusimmat ensin; näytetään {limit} uusinta.",
        "sv": "Vem, när, vid vilken kiosk och vad. Nyaste först; de {limit} senaste visas.",
        "en": "Who, when, at which kiosk, and what. Newest first; the latest {limit} are shown.",
    },
    "audit_empty": {
        "fi": "Ei tapahtumia näillä ehdoilla.",
        "sv": "Inga händelser med dessa villkor.",
        "en": "No entries match.",
    },
    "download_csv": {"fi": "Lataa CSV", "sv": "Ladda ner CSV", "en": "Download CSV"},
    "filter": {"fi": "Rajaa", "sv": "Filtrera", "en": "Filter"},
    "since": {"fi": "Alkaen", "sv": "Från", "en": "From"},
    "until": {"fi": "Asti", "sv": "Till", "en": "Until"},
    "kiosk": {"fi": "Kioski", "sv": "Kiosk", "en": "Kiosk"},
    "staff_member": {"fi": "Henkilö", "sv": "Person", "en": "Staff member"},
    "action": {"fi": "Toimi", "sv": "Åtgärd", "en": "Action"},
    "detail": {"fi": "Lisätiedot", "sv": "Detaljer", "en": "Details"},
    "any": {"fi": "Kaikki", "sv": "Alla", "en": "Any"},
    "regional_hint": {
        "fi": (
            "Alueellisena työntekijänä näet vain apupyynnöt, jotka ovat odottaneet liian kauan "
            "toimipisteissäsi."
        ),
        "sv": (
            "Som regional personal ser du bara hjälpbegäranden som har väntat för länge på "
            "dina ställen."
        ),
        "en": (
            "As regional staff you see only the requests that have waited too long at your sites."
        ),
    },
    "audit_assist_unlock": {
        "fi": "Avustettu tila päälle",
        "sv": "Assisterat läge på",
        "en": "Switched into assisted mode",
    },
    "audit_assist_unlock_failed": {
        "fi": "Epäonnistunut avausyritys",
        "sv": "Misslyckat upplåsningsförsök",
        "en": "Failed unlock attempt",
    },
    "audit_assist_code_created": {
        "fi": "Avauskoodi luotu",
        "sv": "Upplåsningskod skapad",
        "en": "Unlock code made",
    },
    "audit_assist_end": {
        "fi": "Avustettu tila pois",
        "sv": "Assisterat läge av",
        "en": "Left assisted mode",
    },
    "audit_emergency_unlock": {
        "fi": "Hätäkoodilla avattu",
        "sv": "Upplåst med nödkod",
        "en": "Unlocked with the emergency code",
    },
    "audit_on_behalf_start": {
        "fi": "Asiointi asiakkaan puolesta alkoi (suostumus)",
        "sv": "Ärende för besökarens räkning började (samtycke)",
        "en": "On the visitor's behalf, with consent",
    },
    "audit_on_behalf_end": {
        "fi": "Asiointi asiakkaan puolesta päättyi",
        "sv": "Ärende för besökarens räkning slutade",
        "en": "On-behalf ended",
    },
    "audit_real_service_opened": {
        "fi": "Oikea palvelu avattu",
        "sv": "Riktig tjänst öppnad",
        "en": "Real service opened",
    },
    "audit_maintenance_exit": {
        "fi": "Ylläpitoon työpöydälle",
        "sv": "Till skrivbordet för underhåll",
        "en": "Left for the desktop (maintenance)",
    },
    "audit_audit_export": {
        "fi": "Tapahtumaloki ladattu",
        "sv": "Händelseloggen nedladdad",
        "en": "Audit log exported",
    },
    "audit_staff_login": {"fi": "Kirjautui sisään", "sv": "Loggade in", "en": "Logged in"},
    "audit_staff_logout": {"fi": "Kirjautui ulos", "sv": "Loggade ut", "en": "Logged out"},
    "audit_staff_add": {"fi": "Tili lisätty", "sv": "Konto tillagt", "en": "Account added"},
    "audit_staff_disable": {
        "fi": "Tili poistettu käytöstä",
        "sv": "Konto inaktiverat",
        "en": "Account disabled",
    },
    "audit_staff_set_password": {
        "fi": "Uusi salasana",
        "sv": "Nytt lösenord",
        "en": "New password",
    },
    "audit_staff_set_pin": {
        "fi": "Uusi kioskin PIN",
        "sv": "Ny PIN för kiosken",
        "en": "New kiosk PIN",
    },
    "audit_staff_set_card": {
        "fi": "Henkilökortti rekisteröity",
        "sv": "Personalkort registrerat",
        "en": "Staff card registered",
    },
    "audit_staff_clear_card": {
        "fi": "Henkilökortti poistettu",
        "sv": "Personalkort borttaget",
        "en": "Staff card removed",
    },
    "audit_site_add": {"fi": "Toimipiste lisätty", "sv": "Ställe tillagt", "en": "Site added"},
    "audit_site_quick_messages": {
        "fi": "Pikaviestit muutettu",
        "sv": "Snabbmeddelanden ändrade",
        "en": "Quick messages changed",
    },
    "audit_kiosk_enrolment_code": {
        "fi": "Kioskin liittämiskoodi",
        "sv": "Kod för att ansluta en kiosk",
        "en": "Kiosk enrolment code",
    },
    "audit_kiosk_revoke": {
        "fi": "Kioski poistettu käytöstä",
        "sv": "Kiosk spärrad",
        "en": "Kiosk revoked",
    },
    "audit_request_claim": {
        "fi": "Apupyyntö otettu",
        "sv": "Hjälpbegäran tagen",
        "en": "Request taken",
    },
    "audit_request_release": {
        "fi": "Apupyyntö palautettu jonoon",
        "sv": "Hjälpbegäran tillbaka i kön",
        "en": "Request given back",
    },
    "audit_request_move": {
        "fi": "Apupyyntö siirretty",
        "sv": "Hjälpbegäran flyttad",
        "en": "Request moved",
    },
    "audit_request_message": {
        "fi": "Pikaviesti lähetetty",
        "sv": "Snabbmeddelande skickat",
        "en": "Quick message sent",
    },
    "audit_request_resolve": {
        "fi": "Apupyyntö hoidettu",
        "sv": "Hjälpbegäran klar",
        "en": "Request resolved",
    },
    "audit_duty_on": {"fi": "Päivystys alkoi", "sv": "Gick i tjänst", "en": "Went on duty"},
    "audit_duty_off": {"fi": "Päivystys päättyi", "sv": "Gick ur tjänst", "en": "Went off duty"},
    "audit_on_behalf_start_refused": {
        "fi": "Puolesta asiointi estetty",
        "sv": "Ärende för besökarens räkning nekat",
        "en": "On-behalf refused",
    },
    "audit_maintenance_exit_refused": {
        "fi": "Ylläpitoon poistuminen estetty",
        "sv": "Utgång till underhåll nekad",
        "en": "Maintenance exit refused",
    },
    "all_sites": {"fi": "Kaikki toimipisteet", "sv": "Alla ställen", "en": "All sites"},
}


def text(key: str, lang: str, /, **values: object) -> str:
    """The text ``key`` in ``lang`` (falling back to Finnish for an unknown language)."""
    entry = TEXTS[key]
    value = entry.get(lang) or entry[DEFAULT_LANGUAGE]
    return value.format(**values) if values else value


def pick_language(requested: str | None) -> str:
    return requested if requested in LANGUAGES else DEFAULT_LANGUAGE


def for_language(lang: str) -> dict[str, str]:
    """Every text in one language, for the page's JavaScript."""
    return {key: entry[lang] for key, entry in TEXTS.items()}
