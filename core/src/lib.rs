//! sigverify core
