// Transaction pool and block production (issue 6).
import L2Chain
