#pragma once
// Keeps each patient's programme beside their sessions, in the same database.
//
// Every `programme set` adds a new version rather than overwriting, so the record shows what
// the patient was asked to do at any time; the newest version is the programme in force.
// The programme itself is stored as one JSON document (programme_to_json): stages and rule
// change together, are read together, and the format is the one the exports carry.
// The table (clinical_programmes) is schema migration 2, so the owner role creates it with the
// rest of the schema and a clinician role without schema rights can read and write it.

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "session/programme.hpp"
#include "session/repository.hpp"

namespace respira::session {

// JSON form of a programme; stage numbers are 1-based as people count them.
std::string programme_to_json(const Programme& programme);
// Throws std::invalid_argument naming the problem when the text is not a valid programme.
Programme programme_from_json(std::string_view text);

class ProgrammeStore {
 public:
  virtual ~ProgrammeStore() = default;
  // Adds a new version for the patient (who must exist). Throws StoreError.
  virtual void save(const std::string& patient_id, const Programme& programme) = 0;
  // The newest version, or nullopt when none was set. Throws StoreError.
  virtual std::optional<Programme> load(const std::string& patient_id) = 0;
  virtual int version_count(const std::string& patient_id) = 0;
  virtual void interrupt() noexcept = 0;  // as Repository::interrupt
};

// Opens the same database as open_repository(location). Throws StoreError.
std::unique_ptr<ProgrammeStore> open_programme_store(const StoreLocation& location);

}  // namespace respira::session
