"""Sends one mail with Python's own smtplib and email packages (a real client nobody here wrote).

Reads a JSON description on stdin; prints "OK" or "ERR <code> <message>".
"""
import base64
import json
import smtplib
import sys
from email.header import Header
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr

d = json.load(sys.stdin)

alt = MIMEMultipart("alternative")
alt.attach(MIMEText(d["text"], "plain", d.get("textCharset", "utf-8")))
if d.get("html"):
    alt.attach(MIMEText(d["html"], "html", d.get("htmlCharset", "utf-8")))
if d.get("attachments") or d.get("padBytes"):
    msg = MIMEMultipart("mixed")
    msg.attach(alt)
    for a in d.get("attachments", []):
        maintype, subtype = a["contentType"].split("/", 1)
        part = MIMEApplication(base64.b64decode(a["base64"]), _subtype=subtype)
        part.add_header("Content-Disposition", "attachment", filename=a["name"])
        msg.attach(part)
    if d.get("padBytes"):
        part = MIMEApplication(b"\0" * d["padBytes"], _subtype="octet-stream")
        part.add_header("Content-Disposition", "attachment", filename="big.bin")
        msg.attach(part)
else:
    msg = alt

# Encoded-word subject and display name (RFC 2047), as mail clients write them.
msg["Subject"] = Header(d["subject"], "utf-8").encode()
msg["From"] = formataddr((str(Header(d.get("fromName", ""), "iso-8859-2")), d["from"])) if d.get("fromName") else d["from"]
msg["To"] = d["to"]
msg["Message-ID"] = d["messageId"]
if d.get("inReplyTo"):
    msg["In-Reply-To"] = d["inReplyTo"]
if d.get("references"):
    msg["References"] = " ".join(d["references"])
for k, v in d.get("headers", {}).items():
    msg[k] = v

try:
    with smtplib.SMTP(d["host"], d["port"], timeout=60) as s:
        s.send_message(msg, from_addr=d.get("envelopeFrom", d["from"]), to_addrs=[d["to"]])
    print("OK")
except smtplib.SMTPRecipientsRefused as e:
    code, text = list(e.recipients.values())[0]
    print("ERR", code, text.decode("utf-8", "replace") if isinstance(text, bytes) else text)
except smtplib.SMTPResponseException as e:
    print("ERR", e.smtp_code, e.smtp_error.decode("utf-8", "replace") if isinstance(e.smtp_error, bytes) else e.smtp_error)
except smtplib.SMTPSenderRefused as e:
    print("ERR", e.smtp_code, str(e.smtp_error))
