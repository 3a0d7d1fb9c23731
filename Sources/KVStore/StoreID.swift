import Synchronization

private let storeIDCounter = Atomic<UInt32>(0)

/// A process-unique id stamped into every ``KVTable`` so a handle from one store is refused by another.
func nextStoreID() -> UInt32 {
    storeIDCounter.wrappingAdd(1, ordering: .relaxed).newValue
}
