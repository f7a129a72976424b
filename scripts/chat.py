"""Type a conversation through /api/chat from the terminal: `python scripts/chat.py [URL]`."""

import sys
import uuid

import httpx


def main() -> None:
    url = (sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000").rstrip("/")
    sender = f"cli-{uuid.uuid4().hex[:12]}"
    print(f"conversation {sender}; empty line quits")
    with httpx.Client(base_url=url, timeout=60) as client:
        while line := input("you> ").strip():
            r = client.post("/api/chat", json={"sender_id": sender, "message": line})
            if r.status_code != 200:
                print(f"[{r.status_code}] {r.json().get('detail')}")
                continue
            body = r.json()
            for m in body["messages"]:
                if m.get("text"):
                    print(f"bot> {m['text']}")
                for b in m.get("buttons") or []:
                    print(f"     [{b['title']}] -> {b['payload']}")
            if body["expecting"]:
                print(f"     (expecting {body['expecting']})")


if __name__ == "__main__":
    main()
