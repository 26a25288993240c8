// A real socket.io server node (npm's socket.io 4.8, as an application runs it): listens on
// 127.0.0.1:PORT and knows nothing of stickycheck. It acknowledges "whoami" with its NAME (a
// string) and "status" with {node: NAME, ok: true} (an application's own answer, where the
// name sits at /node), and "touch" with nothing (an answer that names no one). Prints
// "listening" once it accepts connections. Usage:
//   node server.js PORT NAME
"use strict";
const http = require("http");
const { Server } = require("socket.io");

const [port, name] = process.argv.slice(2);
const server = http.createServer();
const io = new Server(server);
io.on("connection", (socket) => {
  socket.on("whoami", (ack) => typeof ack === "function" && ack(name));
  socket.on("status", (ack) => typeof ack === "function" && ack({ node: name, ok: true }));
  socket.on("touch", (ack) => typeof ack === "function" && ack());
});
server.listen(Number(port), "127.0.0.1", () => console.log("listening"));
process.on("SIGTERM", () => process.exit(0));
