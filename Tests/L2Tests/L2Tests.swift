// L2 chain, sequencer, keystones and JSON-RPC tests (issue 6) live in this target.
import Node
