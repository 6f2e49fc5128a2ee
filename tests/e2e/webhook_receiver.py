#!/usr/bin/env python3
"""A webhook receiver for the script tests (python3 standard library only).

Records every POST as one JSON line (number, time, path, headers, body, the
status it answered) and answers from a plan: fail the first N requests with a
status (500, 429 with a Retry-After, ...), then answer 200; or always answer
one status; or fail while a file exists (an outage the test starts and ends).
Can answer slowly (--delay) and serve HTTPS (--tls-cert, --tls-key). Writes
the port it listens on to --port-file once ready.
"""
import argparse
import json
import os
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True, help="JSON Lines of received requests")
    ap.add_argument("--fail-status", type=int, default=500)
    ap.add_argument("--fail-count", type=int, default=0, help="fail this many first")
    ap.add_argument("--retry-after", help="Retry-After value sent with failures")
    ap.add_argument("--always", type=int, help="answer every request with this status")
    ap.add_argument("--fail-while", metavar="PATH",
                    help="answer --fail-status while PATH exists (an outage the test ends)")
    ap.add_argument("--delay", type=float, default=0.0,
                    help="seconds to wait before answering each request (a slow far end)")
    ap.add_argument("--tls-cert", help="serve HTTPS with this certificate (PEM)")
    ap.add_argument("--tls-key", help="the certificate's private key (PEM)")
    ap.add_argument("--drop-count", type=int, default=0,
                    help="close the first N connections without answering")
    args = ap.parse_args()

    lock = threading.Lock()
    seen = [0]
    out = open(args.log, "a", encoding="utf-8")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def do_POST(self):
            n = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(n).decode("utf-8", "replace")
            with lock:
                seen[0] += 1
                k = seen[0]
            if k <= args.drop_count:
                status = 0
            elif args.fail_while and os.path.exists(args.fail_while):
                status = args.fail_status
            elif args.always is not None:
                status = args.always
            elif k <= args.drop_count + args.fail_count:
                status = args.fail_status
            else:
                status = 200
            if args.delay > 0:
                time.sleep(args.delay)
            rec = {"n": k, "t": time.time(), "path": self.path,
                   "headers": dict(self.headers.items()), "body": body, "status": status}
            with lock:
                out.write(json.dumps(rec) + "\n")
                out.flush()
            if status == 0:
                self.close_connection = True
                self.connection.shutdown(2)
                return
            reply = b'{"ok":true}' if status < 300 else b'{"error":"planned failure"}'
            self.send_response(status)
            if status >= 300 and args.retry_after is not None:
                self.send_header("Retry-After", args.retry_after)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    if args.tls_cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.tls_cert, args.tls_key)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    os.replace(args.port_file + ".tmp", args.port_file)
    srv.serve_forever()


if __name__ == "__main__":
    main()
