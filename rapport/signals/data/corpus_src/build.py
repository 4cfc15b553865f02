# ruff: noqa  -- a one-off data script; its long lines are corpus text.
"""Builds ../corpus.jsonl from the hand-written base_*.txt lines (kinds|text), adding
greetings, signatures and quoted freelancer text. Run: python build.py (seeded, stable)."""
from pathlib import Path

HERE = Path(__file__).parent
import json
import random

rng = random.Random(7)
def load(path):
    rows = []
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if not line: continue
        kinds, text = line.split("|", 1)
        rows.append(([] if kinds == "none" else kinds.split(","), text))
    return rows
GREET = {"en": ["Hi Lena,", "Hello Lena,", "Dear Ms Hoffmann,", "Hey,", "Lena,", ""],
         "de": ["Hallo Lena,", "Liebe Frau Hoffmann,", "Hi Lena,", "Sehr geehrte Frau Hoffmann,", "Moin,", ""]}
CLOSE = {"en": ["Best regards,\nTom", "Thanks,\nSarah", "Cheers,\nMike\n\nMike Porter | Head of Marketing\nBrightloop Ltd", "Kind regards\nJennifer Walsh\nMeridian Lane Events, Inc.\n+1 555 0100", "-- \nDan\nSent from my iPhone", "Best,\nPriya", ""],
         "de": ["Viele Grüße\nAnna", "Beste Grüße,\nThomas Brandt\nMöbelmanufaktur Brandt KG", "LG\nJule", "Mit freundlichen Grüßen\n\nKarin Valentin\nFeinkost Valentin GmbH\nTel. 089 123456", "-- \nMarkus Grün\nGrünwerk Solar GmbH", "Danke und Grüße\nSabine", ""]}
# Signatures that contain trigger words: must not count.
TRICKY_SIG = {"en": ["Best regards,\nAlex Kim\nUrgent Care Partners LLC\n24/7 emergency line: 555-0199",
                     "Thanks,\nRita\nDiscount Print Shop – cheaper by design",
                     "-- \nOliver\nASAP Logistics GmbH"],
              "de": ["Viele Grüße\nPeter\nNotfall-Hotline: 0800 111 222\nRabatt-Center Nord GmbH",
                     "Mit freundlichen Grüßen\nDr. Weber\nPraxis für dringende Fälle",
                     "-- \nLisa\nSofort-Druck GmbH – günstiger drucken"]}
QUOTE_HEAD = {"en": ["On Tue, 4 Nov 2026 at 10:12, Lena Hoffmann <lena@berg-text.example> wrote:",
                     "-----Original Message-----\nFrom: Lena Hoffmann <lena@berg-text.example>\nSent: Tuesday, November 4, 2026 10:12 AM\nTo: Tom",
                     "From: Lena Hoffmann <lena@berg-text.example>\nSent: Monday, 3 November 2026 16:40\nSubject: Re: draft"],
              "de": ["Am 04.11.2026 um 10:12 schrieb Lena Hoffmann <lena@berg-text.example>:",
                     "-----Ursprüngliche Nachricht-----\nVon: Lena Hoffmann <lena@berg-text.example>\nGesendet: Dienstag, 4. November 2026 10:12\nAn: Anna",
                     "Von: Lena Hoffmann\nGesendet: Montag, 3. November 2026 16:40\nBetreff: AW: Entwurf"]}
MINE = {"en": ["Could you please pay invoice 2026-014 asap? It is three weeks overdue and I need it urgently.",
               "Just so you know: a discount is not possible, and extra revisions cost 80 EUR each. Is that too expensive for you?",
               "I rewrote the intro myself as discussed. While I'm at it, could you also send the images? This is urgent for me.",
               "Sorry, the draft is late – my accountant is on holiday and I had an emergency. I'll send it by tonight.",
               "Honestly I think the old version was sloppy. Can you also confirm the budget is tight? We need it right away.",
               "Friendly reminder: payment is delayed by 10 days now. Please transfer it immediately, thank you!"],
        "de": ["Könnten Sie die Rechnung 2026-014 bitte dringend begleichen? Sie ist seit drei Wochen überfällig.",
               "Zur Info: Rabatt ist leider nicht möglich, zusätzliche Korrekturrunden kosten 80 EUR. Ist Ihnen das zu teuer?",
               "Ich habe die Einleitung selbst umgeschrieben. Wenn Sie eh dabei sind, schicken Sie bitte auch die Bilder – das eilt.",
               "Entschuldigung, der Entwurf kommt später, meine Buchhaltung ist im Urlaub und ich hatte einen Notfall. Bis heute Abend ist er da.",
               "Die Zahlung verzögert sich ja leider schon zwei Wochen. Bitte überweisen Sie sofort.",
               "Können Sie mir noch schnell sagen, ob das Budget knapp ist? Ich brauche es bis morgen früh."]}
NEUTRAL = {"en": ["Thanks, will do.", "Sounds good, see you Tuesday.", "Got it, thank you!", "Sure, I'll check with the team and get back to you.", "Paid today, thanks for the reminder.", "Understood. The files are attached."],
           "de": ["Danke, machen wir.", "Klingt gut, bis Dienstag.", "Alles klar, danke!", "Gern, ich kläre das im Team und melde mich.", "Heute überwiesen, danke für die Erinnerung.", "Verstanden, die Dateien sind im Anhang."]}

def quoted(lang, text):
    head = rng.choice(QUOTE_HEAD[lang])
    if rng.random() < 0.5 or head.startswith("On") or head.startswith("Am"):
        body = "\n".join("> " + l for l in text.split("\n"))
    else:
        body = text
    return head + "\n" + body

def compose(lang, text, close=None, quote=None):
    parts = []
    g = rng.choice(GREET[lang])
    if g: parts.append(g)
    parts.append(text)
    c = close if close is not None else rng.choice(CLOSE[lang])
    if c: parts.append(c)
    out = "\n\n".join(parts)
    if quote: out += "\n\n" + quote
    return out

rows = []
for lang in ("en", "de"):
    base = load(HERE / f"base_{lang}.txt")
    for kinds, text in base:
        rows.append({"text": compose(lang, text), "language": lang, "kinds": kinds, "note": "base"})
    # Positives again, with the freelancer's triggering words quoted below: labels unchanged.
    for kinds, text in rng.sample([b for b in base if b[0]], 30):
        rows.append({"text": compose(lang, text, quote=quoted(lang, rng.choice(MINE[lang]))),
                     "language": lang, "kinds": kinds, "note": "positive with quote"})
    # Hard negatives: a neutral answer above the freelancer's quoted words.
    for n in range(18):
        rows.append({"text": compose(lang, rng.choice(NEUTRAL[lang]), quote=quoted(lang, MINE[lang][n % 6])),
                     "language": lang, "kinds": [], "note": "hard negative: quoted freelancer text"})
    for sig in TRICKY_SIG[lang]:
        for text in rng.sample(NEUTRAL[lang], 2):
            rows.append({"text": compose(lang, text, close=sig), "language": lang, "kinds": [],
                         "note": "hard negative: signature"})
# Written whole by other authors, in their own wording (and earlier held-out sets that
# have since been used for tuning): added as they are, after the shuffle, so the rows
# above stay stable.
tail = []
for name in ("holdout_v1", "holdout_v2", "extra_en", "extra_de", "extra2_en", "extra2_de", "extra3_en", "extra3_de",
             "extra4_en", "extra4_de", "extra5_en", "extra5_de"):
    if not (HERE / f"{name}.jsonl").exists():  # each language's round may land on its own
        continue
    for line in open(HERE / f"{name}.jsonl", encoding="utf-8"):
        if line.strip():
            tail.append({**json.loads(line), "note": name})
rng.shuffle(rows)
rows += tail
with open(HERE.parent / "corpus.jsonl", "w", encoding="utf-8") as f:
    for r in rows:
        f.write(json.dumps(r, ensure_ascii=False) + "\n")
print(len(rows))
