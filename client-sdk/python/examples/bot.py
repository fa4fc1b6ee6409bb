"""A bot that answers website visitors: it logs in as a member, watches the workspace and
replies to every visitor message. Run it with PORTHOLE_URL, PORTHOLE_EMAIL, PORTHOLE_PASSWORD."""

import os

import porthole
from porthole.v1 import chat_pb2


def answer(question: str) -> str:
    """The bot's whole intelligence."""
    if "price" in question.lower():
        return "Our plans start at 10 EUR a month: https://example.com/pricing"
    return "Thanks! A human will get back to you here shortly."


def main() -> None:
    with porthole.Client(os.environ.get("PORTHOLE_URL", "http://127.0.0.1:8080")) as client:
        client.log_in(os.environ["PORTHOLE_EMAIL"], os.environ["PORTHOLE_PASSWORD"])
        with client.watch_workspace() as feed:  # live from here; resumes by itself
            print("bot: watching", client.session.workspace.name, flush=True)
            for event in feed:
                message = event.message_created
                if not event.HasField("message_created") or message.sender_type != chat_pb2.SENDER_TYPE_VISITOR:
                    continue
                try:  # one key per question: a replayed event is never answered twice
                    client.send(message.conversation_id, answer(message.body),
                                sender_type=chat_pb2.SENDER_TYPE_BOT, client_key=f"bot-{message.id}")
                except porthole.PortholeError as error:  # e.g. the conversation was closed
                    print("bot: could not answer:", error, flush=True)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
