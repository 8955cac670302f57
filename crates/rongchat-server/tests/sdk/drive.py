"""Drives the local server with RongCloud's official Python Server SDK (rc-server-sdk).

Usage: python drive.py URL APP_KEY APP_SECRET. Prints one JSON line per step
({"step": ..., "reply": ...}) and exits non-zero at the first reply that is not the expected
one. The Rust test (tests/server/sdk.rs) starts the server and checks the clients' side.
"""
import json
import sys

from rongcloud.rongcloud import RongCloud


def main():
    url, key, secret = sys.argv[1:4]
    rc = RongCloud(key, secret, url)
    user, group, msg = rc.get_user(), rc.get_group(), rc.get_message()
    conv = rc.get_conversation().get_notification()

    def step(name, reply, **want):
        if isinstance(reply, bytes):  # the SDK hands back error bodies as bytes
            reply = json.loads(reply.decode("utf8"))
        print(json.dumps({"step": name, "reply": reply}), flush=True)
        code = want.pop("code", 200)
        if reply.get("code") != code or any(reply.get(k) != v for k, v in want.items()):
            sys.exit("step %s: %r, wanted code %s %r" % (name, reply, code, want))
        return reply

    step("register 1", user.register("sdk1", "One", "http://p/1.png"))
    step("register 2", user.register("sdk2", "Two"))
    step("update", user.update("sdk1", name="Uno"))
    step("query", user.query("sdk1"), userName="Uno", userPortrait="http://p/1.png")
    step("check_online", user.check_online("sdk1"), status="0")
    # The seed's quick start: user 2 sends user 1 a text; the Rust test connects as user 1.
    step("private send", msg.get_private().send(
        "sdk2", "sdk1", "RC:TxtMsg", {"content": "hello from the SDK"},
        push_content="hi", count=1, is_include_sender=1, expansion=True))
    step("system send", msg.get_system().send("sdk2", ["sdk1"], "RC:TxtMsg", {"content": "sys"}))
    step("status send", msg.get_private().send_status_message(
        "sdk2", "sdk1", "RC:TypSts", {"typingContentType": "RC:TxtMsg"}))
    step("block", user.get_block().add("sdk2", 10))
    blocked = step("block query", user.get_block().query())
    if [u["userId"] for u in blocked["users"]] != ["sdk2"]:
        sys.exit("block query: %r" % blocked)
    step("unblock", user.get_block().remove("sdk2"))
    step("blacklist add", user.get_blacklist().add("sdk1", ["sdk2"]))
    step("blacklist query", user.get_blacklist().query("sdk1"), users=["sdk2"])
    step("blacklist remove", user.get_blacklist().remove("sdk1", ["sdk2"]))
    step("group create", group.create(["sdk1", "sdk2"], "sdkg", "SDK group"))
    step("group join", group.join(["sdk3"], "sdkg", "SDK group"))
    step("group quit", group.quit(["sdk3"], "sdkg"))
    step("group update", group.update("sdkg", "Renamed"))
    step("group members", group.query("sdkg"), users=[{"id": "sdk1"}, {"id": "sdk2"}])
    step("user groups", group.query_user_group("sdk1"), groups=[{"id": "sdkg", "name": "Renamed"}])
    step("group send", msg.get_group().send("sdk2", "sdkg", "RC:TxtMsg", {"content": "to all"}))
    step("group directed", msg.get_group().send_direction(
        "sdk2", "sdkg", ["sdk1"], "RC:TxtMsg", {"content": "to one"}))
    step("gag add", group.get_user().get_gag().add(["sdk2"], "sdkg", 5))
    gagged = step("gag list", group.get_user().get_gag().query("sdkg"))
    if [u["userId"] for u in gagged["users"]] != ["sdk2"]:
        sys.exit("gag list: %r" % gagged)
    step("gagged send", msg.get_group().send("sdk2", "sdkg", "RC:TxtMsg", {"content": "x"}),
         code=22408)
    step("gag remove", group.get_user().get_gag().remove(["sdk2"], "sdkg"))
    step("group sync", group.sync("sdk2", [("sdkg", "Renamed"), ("sdkh", "Other")]))
    step("mute set", conv.set(1, "sdk1", "sdk2", 1))
    step("mute get", conv.get(1, "sdk1", "sdk2"), isMuted=1)
    step("group dismiss", group.dismiss("sdk2", "sdkh"))
    step("bad param", user.query("bad id!"), code=1002)
    # A wrong secret is refused with 1004.
    wrong = RongCloud(key, secret + "x", url).get_user()
    step("bad signature", wrong.query("sdk1"), code=1004)


if __name__ == "__main__":
    main()
