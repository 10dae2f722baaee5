"""Invented articles and a real `storyline serve` process for the web tests (fictional events only)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

QUOTE_EVENT = [
    {"id": "bridge-en", "lang": "en", "source": "Harbour Herald", "url": "https://herald.example/bridge",
     "published": "2026-04-14T08:00:00Z",
     "title": "Ferry workers strike shuts the Corvana bridge crossing",
     "text": "Ferry workers in the port city of Corvana walked out on Tuesday, halting every crossing "
             "to the island of Mirel for the first time in twenty years.\n\n"
             "\"We will not go back to work until the ministry keeps its promise,\" said union leader "
             "Marta Olsen outside the ferry terminal, where hundreds of passengers waited.\n\n"
             "The transport ministry said talks with the union would resume on Thursday."},
    {"id": "bridge-es", "lang": "es", "source": "Diario del Puerto", "url": "https://diario.example/ferris",
     "published": "2026-04-14T10:30:00Z",
     "title": "La huelga de los trabajadores del ferri paraliza los cruces de Corvana",
     "text": "Los trabajadores del ferri de la ciudad portuaria de Corvana iniciaron el martes una huelga "
             "que detuvo todos los cruces hacia la isla de Mirel por primera vez en veinte años.\n\n"
             "«No volveremos al trabajo hasta que el ministerio cumpla su promesa», dijo la líder sindical "
             "Marta Olsen frente a la terminal, donde esperaban cientos de pasajeros.\n\n"
             "El ministerio de Transportes dijo que las conversaciones con el sindicato se reanudarán el jueves."},
    {"id": "bridge-de", "lang": "de", "source": "Hafenkurier", "url": "https://kurier.example/faehre",
     "published": "2026-04-14T12:15:00Z",
     "title": "Streik der Fährarbeiter legt die Überfahrten in Corvana lahm",
     "text": "Die Fährarbeiter der Hafenstadt Corvana sind am Dienstag in den Streik getreten und haben "
             "alle Überfahrten zur Insel Mirel zum ersten Mal seit zwanzig Jahren gestoppt.\n\n"
             "„Wir werden nicht an die Arbeit zurückkehren, bis das Ministerium sein Versprechen hält“, "
             "sagte Gewerkschaftschefin Marta Olsen vor dem Fährterminal, wo Hunderte Passagiere warteten.\n\n"
             "Das Verkehrsministerium erklärte, die Gespräche mit der Gewerkschaft würden am Donnerstag fortgesetzt."},
]

OTHER_EVENTS = [
    {"id": "orchard-fr", "lang": "fr", "source": "Le Courrier Alpin", "published": "2026-04-12T09:00:00Z",
     "title": "Le gel détruit la moitié des vergers de la vallée de Sorenne",
     "text": "Une vague de gel tardif a détruit près de la moitié des vergers de la vallée de Sorenne "
             "pendant la nuit de samedi, selon la chambre d'agriculture. Les producteurs de pommes "
             "demandent une aide d'urgence à la région."},
    {"id": "museum-it", "lang": "it", "source": "Gazzetta del Lago", "published": "2026-04-10T16:00:00Z",
     "title": "Riapre il museo civico di Varena dopo tre anni di restauri",
     "text": "Il museo civico di Varena riapre sabato al pubblico dopo tre anni di lavori di restauro. "
             "La nuova ala ospita la collezione di mappe antiche donata dalla famiglia Contarin."},
    {"id": "museum-en", "lang": "en", "source": "Lakeside Post", "published": "2026-04-10T18:00:00Z",
     "title": "Varena city museum opens again after a three-year restoration",
     "text": "The city museum of Varena opens to the public on Saturday after three years of restoration "
             "work. Its new wing holds the collection of old maps donated by the Contarin family."},
    {"id": "chess-en", "lang": "en", "source": "Harbour Herald", "published": "2026-04-11T20:00:00Z",
     "title": "Teenager wins the Corvana open chess tournament",
     "text": "A sixteen-year-old from the island of Mirel won the Corvana open chess tournament on "
             "Saturday, beating three grandmasters in the final rounds of the nine-day event."},
]


def corpus() -> list[dict]:
    return [dict(row) for row in QUOTE_EVENT + OTHER_EVENTS]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`storyline serve` in a child process on 127.0.0.1, stopped by ``stop()``."""

    def __init__(self, db: Path, encoder: str, log: Path, args: tuple[str, ...] = (),
                 env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, STORYLINE_ENCODER=encoder, **(env or {}))
        self._log = open(log, "w", encoding="utf-8")  # noqa: SIM115 -- held while the server runs, closed in stop()
        self._proc = subprocess.Popen(
            [sys.executable, "-c", "from storyline.commands.serve import serve_command; serve_command()",
             "--db", str(db), "--port", str(self.port), "--encoder", encoder, *args],
            stdout=self._log, stderr=subprocess.STDOUT, env=env,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise RuntimeError(f"server exited: {Path(log).read_text()}")
            try:
                if httpx.get(self.base + "/api/version", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("server did not start in time")

    def alive(self) -> bool:
        return self._proc.poll() is None

    def stop(self) -> None:
        self._proc.terminate()
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        self._log.close()


class AppServer:
    """An ASGI app (e.g. ``create_app(..., bind="0.0.0.0")``) served by uvicorn on 127.0.0.1 in a thread.

    For settings the CLI only gives when listening on the network: the app believes it is shared,
    the socket stays on this machine.
    """

    def __init__(self, app) -> None:
        import threading

        import uvicorn

        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self._server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 60
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("app server did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=30)
