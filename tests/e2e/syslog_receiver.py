#!/usr/bin/env python3
"""A syslog receiver for the script tests (python3 standard library only).

Listens on 127.0.0.1 over UDP (one RFC 5424 message a datagram) or TCP
(RFC 6587 octet counting, "LEN SP MSG"), parses every message strictly and
writes it as one JSON line: pri, facility, severity, version, timestamp,
hostname, app, procid, msgid, sd {id: {param: value}}, msg, or {"error": ...}
for anything malformed. Writes its port to --port-file once ready.
--close-after N makes the TCP side drop each connection after N frames.
"""
import argparse
import json
import os
import re
import socket
import threading

HEADER = re.compile(rb"<(\d{1,3})>(\d) (\S+) (\S+) (\S+) (\S+) (\S+) ")


def parse_sd(b, i):
    """Structured data at b[i:]; returns (dict, index after it)."""
    if b[i:i + 1] == b"-":
        return {}, i + 1
    sd = {}
    while b[i:i + 1] == b"[":
        i += 1
        j = i
        while b[j:j + 1] not in (b" ", b"]"):
            j += 1
        sd_id = b[i:j].decode("ascii")
        params = {}
        i = j
        while b[i:i + 1] == b" ":
            eq = b.index(b"=", i)
            name = b[i + 1:eq].decode("ascii")
            if b[eq + 1:eq + 2] != b'"':
                raise ValueError("parameter value not quoted")
            k = eq + 2
            val = bytearray()
            while b[k:k + 1] != b'"':
                if k >= len(b):
                    raise ValueError("unterminated parameter value")
                if b[k:k + 1] == b"\\" and b[k + 1:k + 2] in (b'"', b"\\", b"]"):
                    k += 1
                elif b[k:k + 1] == b"]":
                    raise ValueError("unescaped ] in a parameter value")
                val += b[k:k + 1]
                k += 1
            params[name] = val.decode("utf-8")
            i = k + 1
        if b[i:i + 1] != b"]":
            raise ValueError("structured data element not closed")
        sd[sd_id] = params
        i += 1
    return sd, i


def parse(b):
    m = HEADER.match(b)
    if not m:
        return {"error": "bad header", "raw": b[:200].decode("utf-8", "replace")}
    pri = int(m.group(1))
    rec = {"pri": pri, "facility": pri // 8, "severity": pri % 8,
           "version": int(m.group(2))}
    for k, g in zip(("timestamp", "hostname", "app", "procid", "msgid"), range(3, 8)):
        rec[k] = m.group(g).decode("ascii")
    try:
        rec["sd"], i = parse_sd(b, m.end())
    except (ValueError, UnicodeDecodeError) as e:
        return {"error": "bad structured data: %s" % e, "raw": b[:300].decode("utf-8", "replace")}
    if i == len(b):
        rec["msg"] = ""
    elif b[i:i + 1] == b" ":
        rec["msg"] = b[i + 1:].decode("utf-8", "replace")
    else:
        return {"error": "no space before MSG", "raw": b[:300].decode("utf-8", "replace")}
    rec["length"] = len(b)
    return rec


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--transport", choices=("udp", "tcp"), required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--close-after", type=int, default=0)
    args = ap.parse_args()
    out = open(args.log, "a", encoding="utf-8")
    lock = threading.Lock()

    def record(rec):
        with lock:
            out.write(json.dumps(rec) + "\n")
            out.flush()

    kind = socket.SOCK_DGRAM if args.transport == "udp" else socket.SOCK_STREAM
    s = socket.socket(socket.AF_INET, kind)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", args.port))
    if args.transport == "tcp":
        s.listen(8)
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(s.getsockname()[1]))
    os.replace(args.port_file + ".tmp", args.port_file)

    if args.transport == "udp":
        while True:
            data, _ = s.recvfrom(70000)
            record(parse(data))

    def serve(conn):
        buf = b""
        frames = 0
        while True:
            chunk = conn.recv(65536)
            if not chunk:
                break
            buf += chunk
            while True:
                sp = buf.find(b" ")
                if sp < 0:
                    break
                if not buf[:sp].isdigit():
                    record({"error": "bad frame length %r" % buf[:20]})
                    conn.close()
                    return
                n = int(buf[:sp])
                if len(buf) < sp + 1 + n:
                    break
                record(parse(buf[sp + 1:sp + 1 + n]))
                buf = buf[sp + 1 + n:]
                frames += 1
                if args.close_after and frames >= args.close_after:
                    conn.close()
                    return
        if buf:
            record({"error": "connection ended inside a frame", "left": len(buf)})
        conn.close()

    while True:
        conn, _ = s.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    main()
