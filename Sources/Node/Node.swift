// Composition root: configuration, components and their lifecycle (issue 6).
import RPC
