// Real `anxin serve` processes for the tests that only a process can show (logs, kill -9, two writers).
export { spawnServe, post, get, type ServeProcess } from "../../tools/serve-process.js";
