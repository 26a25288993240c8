// A plain WebSocket client (npm's ws, installed with socket.io): sends MESSAGE to URL and
// prints the first answer, or "error: ..." and exits 1.
//   node ws_echo.js ws://127.0.0.1:PORT/ws MESSAGE
"use strict";
const WebSocket = require("ws");

const [url, message = "hello"] = process.argv.slice(2);
const ws = new WebSocket(url);
const deadline = setTimeout(() => {
  console.log("error: timeout");
  process.exit(1);
}, 10000);
ws.on("open", () => ws.send(message));
ws.on("message", (data) => {
  console.log(data.toString());
  clearTimeout(deadline);
  ws.close();
  process.exit(0);
});
ws.on("error", (err) => {
  console.log(`error: ${err.message}`);
  process.exit(1);
});
