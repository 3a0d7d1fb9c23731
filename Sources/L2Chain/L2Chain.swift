// L2 chain storage on KVStore: blocks, receipts, state and history, genesis (issue 6).
import Execution
