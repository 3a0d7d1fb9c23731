// JSON-RPC 2.0 core and namespaces over Hummingbird HTTP and WebSocket (issue 6).
import Sequencer
