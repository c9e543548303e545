"""moto_server with DynamoDB's write atomicity.

DynamoDB applies each conditional write (and each transaction) to its items atomically:
two racing `UpdateItem ... ADD n :one` both count. moto checks the condition and writes in
Python without a lock, and its server answers requests on many threads, so two racing
writes can both read the old item and one of them is lost. This server is moto's own, with
one change: DynamoDB requests are answered one at a time. Every other service keeps moto's
threads.

    python tests/moto_atomic.py -H 127.0.0.1 -p 5055
"""

import argparse
import os
import threading

from werkzeug.serving import run_simple
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app


class DynamoDbSerialized:
    def __init__(self, app):
        self.app = app
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        if environ.get("HTTP_X_AMZ_TARGET", "").startswith("DynamoDB_"):
            with self.lock:
                # The whole answer is produced under the lock: moto's answers are lists of
                # bytes built before they are returned.
                return list(self.app(environ, start_response))
        return self.app(environ, start_response)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, default=5000)
    args = parser.parse_args()
    os.environ.setdefault("MOTO_PORT", str(args.port))
    app = DomainDispatcherApplication(create_backend_app)
    run_simple(args.host, args.port, DynamoDbSerialized(app), threaded=True, request_handler=MotoRequestHandler)


if __name__ == "__main__":
    main()
