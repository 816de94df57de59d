#!/usr/bin/env python3
"""Test vectors for the login hash and `security=1` field encryption, computed
independently of the Rust code, straight from the formulas in shared/protocol/isapi.md.

Run: python3 generate.py > vectors.json   (needs `pip install cryptography` for AES)
The Rust tests in ../tests/all/vectors.rs read vectors.json; re-run only when adding cases.
"""
import base64
import hashlib
import json

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


def h(s: str) -> str:
    return hashlib.sha256(s.encode("utf-8")).hexdigest()


def login_hash(user, pwd, challenge, iterations, irreversible, version, salt, salt2):
    # The three loops exactly as the notes write them (JavaScript for-loops); the 2.1 test
    # comes first and holds whatever isIrreversible says.
    if version == "2.1":
        a = h(user + salt + pwd)
        a = h(user + salt2 + a)
        a = h(a + challenge)
        i = 2
        while i < iterations:
            a = h(a)
            i += 1
    elif irreversible:
        a = h(user + salt + pwd)
        a = h(a + challenge)
        i = 2
        while i < iterations:
            a = h(a)
            i += 1
    else:
        a = h(pwd) + challenge
        i = 1
        while i < iterations:
            a = h(a)
            i += 1
    return a


def field_key(irreversible, salt, key_iterate_num, user, pwd):
    base = h(user + salt + pwd) if irreversible else pwd
    k = h(base + "AaBbCcDd1234!@#$")
    for _ in range(key_iterate_num - 1):
        k = h(k)
    return k[:32]


def encrypt_field(key_hex, iv_hex, field):
    escaped = field.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    b64 = base64.b64encode(escaped.encode("utf-8"))
    padder = padding.PKCS7(128).padder()
    data = padder.update(b64) + padder.finalize()
    enc = Cipher(algorithms.AES(bytes.fromhex(key_hex)), modes.CBC(bytes.fromhex(iv_hex))).encryptor()
    return (enc.update(data) + enc.finalize()).hex()


SALT = "2F1C3D8E9A7B6C5D4E3F2A1B0C9D8E7F6A5B4C3D2E1F0A9B8C7D6E5F4A3B1A92"
SALT2 = "9E8D7C6B5A4F3E2D1C0B9A8F7E6D5C4B3A2F1E0D9C8B7A6F5E4D3C2B1A0F9E8D"
CHALLENGE = "5f4dcc3b5aa765d61d8327deb882cf99"

login_cases = [
    ("admin", "Abc12345!", CHALLENGE, 100, True, "2.1", SALT, SALT2),
    ("admin", "Abc12345!", CHALLENGE, 100, True, "2.0", SALT, SALT2),
    ("admin", "Abc12345!", CHALLENGE, 100, True, None, SALT, None),
    ("admin", "Abc12345!", CHALLENGE, 100, False, None, None, None),
    ("admin", "Abc12345!", CHALLENGE, 1, False, None, None, None),
    ("admin", "Abc12345!", CHALLENGE, 0, True, "2.1", SALT, SALT2),
    ("admin", "Abc12345!", CHALLENGE, 2, True, None, SALT, None),
    ("admin", "Abc12345!", CHALLENGE, 3, True, "2.1", SALT, SALT2),
    ("admin", "Abc12345!", CHALLENGE, 2, False, None, None, None),
    ("installer", "Zz9 &<>'\"~", "abc", 37, True, "2.1", "s", "t"),
    ("admin", "pässwörd-ü€", CHALLENGE, 10, False, "2.1", SALT, SALT2),
    ("", "", "", 5, True, "2.1", None, None),
]

login = [
    {
        "user": u, "password": p, "challenge": c, "iterations": n,
        "isIrreversible": irr, "sessionIDVersion": v, "salt": s, "salt2": s2,
        "hash": login_hash(u, p, c, n, irr, v, s or "", s2 or ""),
    }
    for (u, p, c, n, irr, v, s, s2) in login_cases
]

key_cases = [
    (True, SALT, 100, "admin", "Abc12345!"),
    (False, SALT, 100, "admin", "Abc12345!"),
    (True, SALT, 1, "admin", "Abc12345!"),
    (False, "", 0, "admin", "Abc12345!"),
    (True, "", 3, "operator", "pässwörd"),
]
keys = [
    {"isIrreversible": irr, "salt": s, "keyIterateNum": n, "user": u, "password": p,
     "key": field_key(irr, s, n, u, p)}
    for (irr, s, n, u, p) in key_cases
]

def login_key_secret(user, pwd, version, salt, salt2):
    # What the NVR web UI derives the field key from after a login: the 2.1 login's
    # intermediate value, else the password.
    if version == "2.1":
        return h(user + salt2 + h(user + salt + pwd))
    return pwd


# Field keys around a login: (cap irreversible, cap salt, keyIterateNum, user, password,
# login sessionIDVersion, login salt, login salt2). An empty password is the "no login" key.
session_key_cases = [
    (True, SALT, 100, "admin", "", None, None, None),
    (False, SALT, 100, "admin", "", None, None, None),
    (True, SALT, 100, "admin", "Abc12345!", "2.1", SALT, SALT2),
    (False, "", 100, "admin", "Abc12345!", "2.1", SALT, SALT2),
    (True, SALT, 100, "admin", "Abc12345!", "2.0", SALT, SALT2),
]
session_keys = [
    {"isIrreversible": irr, "salt": s, "keyIterateNum": n, "user": u, "password": p,
     "sessionIDVersion": v, "loginSalt": ls, "loginSalt2": ls2,
     "key": field_key(irr, s, n, u, login_key_secret(u, p, v, ls or "", ls2 or ""))}
    for (irr, s, n, u, p, v, ls, ls2) in session_key_cases
]

IV = "0123456789abcdef0f1e2d3c4b5a6978"
fields = []
for k in keys[:2]:
    for text in ["Abc12345!", "", "a&b<c>d\"'", "&lt;literal&gt;&amp;", "0123456789abcdef-long-enough-for-several-blocks", "pässwörd€"]:
        fields.append({"key": k["key"], "iv": IV, "plaintext": text,
                       "ciphertext": encrypt_field(k["key"], IV, text)})

print(json.dumps({"login": login, "fieldKeys": keys, "sessionKeys": session_keys, "fields": fields}, indent=2, ensure_ascii=False))
