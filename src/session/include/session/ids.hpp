#pragma once
// Pseudonymous identifiers: random, unguessable, free of personal data, and short enough to
// read over the phone (Crockford base32: no I, L, O, U).

#include <string>

namespace respira::session {

std::string new_patient_id();  // "P-" + 8 characters
std::string new_session_id();  // "S-" + 12 characters

}  // namespace respira::session
