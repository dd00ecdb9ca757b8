"""What every vendor simulator shares: the request log and fault injection middleware
(middleware), the faults (faults, fault_spec) and scale seeding (scale)."""
