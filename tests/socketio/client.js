// The real socket.io client, as a judge: connects SESSIONS sockets to URL with TRANSPORTS,
// has each emit COUNT "whoami" events with an acknowledgement, and prints one JSON line:
// per session, whether it connected, the transport it ended on, the names the
// acknowledgements carried, and the errors it met. Usage:
// HOLD_MS: how long each session stays idle after connecting (to live through pings).
// ORDER: "together" (default, all sessions at once) or "in-turn" (one after another, so a
// round robin's choices for one session never depend on how the others interleave).
//   node client.js URL TRANSPORTS(polling,websocket) SESSIONS COUNT [PATH] [HOLD_MS] [ORDER]
"use strict";
const { io } = require("socket.io-client");

const [url, transports = "polling,websocket", sessions = "1", count = "5", path = "/socket.io/",
  hold = "0", order = "together"] = process.argv.slice(2);

function runSession() {
  return new Promise((resolve) => {
    const out = { connected: false, transport: "", acks: [], errors: [] };
    const socket = io(url, {
      path,
      transports: transports.split(","),
      reconnection: false,
      forceNew: true,
      timeout: 5000,
      withCredentials: true,
    });
    const finish = () => {
      out.transport = socket.io.engine ? socket.io.engine.transport.name : "";
      socket.close();
      resolve(out);
    };
    const deadline = setTimeout(() => {
      out.errors.push("timeout");
      finish();
    }, 15000 + Number(hold));
    socket.on("connect_error", (err) => {
      out.errors.push(`connect_error: ${err.message}`);
      clearTimeout(deadline);
      finish();
    });
    socket.on("disconnect", (reason) => {
      if (out.acks.length < Number(count)) out.errors.push(`disconnect: ${reason}`);
    });
    socket.on("connect", async () => {
      out.connected = true;
      await new Promise((r) => setTimeout(r, Number(hold)));
      for (let i = 0; i < Number(count); ++i) {
        try {
          const name = await socket.timeout(5000).emitWithAck("whoami");
          out.acks.push(name);
        } catch (e) {
          out.errors.push(`ack: ${e.message}`);
          break;
        }
        // Give an upgrade its chance to happen between events, as a page would.
        await new Promise((r) => setTimeout(r, 20));
      }
      clearTimeout(deadline);
      finish();
    });
  });
}

(async () => {
  const results = [];
  for (let i = 0; i < Number(sessions); ++i)
    results.push(order === "in-turn" ? await runSession() : runSession());
  console.log(JSON.stringify({ sessions: await Promise.all(results) }));
  process.exit(0);
})();
