/**
 * HL7 v2 tables and their FHIR counterparts, following the V2-to-FHIR implementation guide's concept
 * maps where it has one. Codes are looked up upper-cased; a code not listed maps to nothing. Whether
 * a table (or v3 code system) holds a code is not listed here: `tableCoding` asks the code lists R4
 * ships (`knownCodeSystemHas`), the same lists a FHIR server validates against.
 */

/** 0001 Administrative sex → AdministrativeGender. */
export const GENDER: Record<string, 'male' | 'female' | 'other' | 'unknown'> = {
  M: 'male',
  F: 'female',
  O: 'other',
  A: 'other',
  U: 'unknown',
  N: 'unknown',
};

/** 0200 Name type → HumanName.use. */
export const NAME_USE: Record<string, fhir4.HumanName['use']> = {
  L: 'official',
  D: 'usual',
  A: 'usual',
  M: 'maiden',
  N: 'nickname',
  S: 'anonymous',
  TEMP: 'temp',
  NB: 'temp',
  BAD: 'old',
  R: 'official',
  C: 'official',
};

/** 0190 Address type → Address.use (and type postal for mailing). */
export const ADDRESS_USE: Record<string, fhir4.Address['use']> = {
  H: 'home',
  P: 'home',
  RH: 'home',
  B: 'work',
  O: 'work',
  C: 'temp',
  V: 'temp',
  BA: 'old',
};
export const ADDRESS_TYPE: Record<string, fhir4.Address['type']> = {
  M: 'postal',
  SH: 'postal',
};

/** 0201 Telecommunication use code → ContactPoint.use (NET, BPN, PRS also set the system). */
export const TELECOM_USE: Record<string, fhir4.ContactPoint['use']> = {
  PRN: 'home',
  ORN: 'home',
  VHN: 'home',
  WPN: 'work',
  PRS: 'mobile',
};

/** 0202 Telecommunication equipment type → ContactPoint.system. */
export const TELECOM_SYSTEM: Record<string, fhir4.ContactPoint['system']> = {
  PH: 'phone',
  CP: 'phone',
  FX: 'fax',
  BP: 'pager',
  INTERNET: 'email',
  'X.400': 'email',
  EMAIL: 'email',
  'E-MAIL': 'email',
  NET: 'email',
  MD: 'other',
  SAT: 'other',
  TDD: 'other',
  TTY: 'other',
};

/** 0203 Identifier type codes (those commonly sent); others are kept as text. */
export const IDENTIFIER_TYPES: Record<string, string> = {
  AN: 'Account number',
  BR: 'Birth registry number',
  DL: "Driver's license number",
  DN: 'Doctor number',
  EI: 'Employee number',
  EN: 'Employer number',
  FI: 'Facility ID',
  FILL: 'Filler Identifier',
  GI: 'Guarantor internal identifier',
  HC: 'Health card number',
  JHN: 'Jurisdictional health number',
  LN: 'License number',
  LR: 'Local Registry ID',
  MA: 'Patient Medicaid number',
  MB: 'Member number',
  MC: 'Patient Medicare number',
  MD: 'Medical License number',
  MR: 'Medical record number',
  NI: 'National unique individual identifier',
  NPI: 'National provider identifier',
  PI: 'Patient internal identifier',
  PLAC: 'Placer Identifier',
  PN: 'Person number',
  PPN: 'Passport number',
  PRN: 'Provider number',
  PT: 'Patient external identifier',
  RI: 'Resource identifier',
  SB: 'Social Beneficiary Identifier',
  SN: 'Subscriber Number',
  SR: 'State registry ID',
  SS: 'Social Security number',
  TAX: 'Tax ID number',
  U: 'Unspecified identifier',
  UPIN: 'Medicare/CMS Universal Physician Identification numbers',
  VN: 'Visit number',
  XX: 'Organization identifier',
  ACSN: 'Accession ID',
  FIN: 'Financial number',
  ID: 'Identifier',
};

/** 0004 Patient class → v3 ActCode (Encounter.class). */
export const ENCOUNTER_CLASS: Record<string, { code: string; display: string }> = {
  E: { code: 'EMER', display: 'emergency' },
  I: { code: 'IMP', display: 'inpatient encounter' },
  O: { code: 'AMB', display: 'ambulatory' },
  P: { code: 'PRENC', display: 'pre-admission' },
  R: { code: 'AMB', display: 'ambulatory' },
  B: { code: 'IMP', display: 'inpatient encounter' },
};

/** 0063 Relationship → display, and the v3 RoleCode translation where there is one. */
export const RELATIONSHIP: Record<string, { display: string; v3?: string }> = {
  SPO: { display: 'Spouse', v3: 'SPS' },
  DOM: { display: 'Life partner', v3: 'DOMPART' },
  CHD: { display: 'Child', v3: 'CHILD' },
  GCH: { display: 'Grandchild', v3: 'GRNDCHILD' },
  NCH: { display: 'Natural child', v3: 'NCHILD' },
  SCH: { display: 'Stepchild', v3: 'STPCHLD' },
  FCH: { display: 'Foster child', v3: 'CHLDFOST' },
  DEP: { display: 'Handicapped dependent' },
  WRD: { display: 'Ward of court' },
  PAR: { display: 'Parent', v3: 'PRN' },
  MTH: { display: 'Mother', v3: 'MTH' },
  FTH: { display: 'Father', v3: 'FTH' },
  CGV: { display: 'Care giver' },
  GRD: { display: 'Guardian', v3: 'GUARD' },
  GRP: { display: 'Grandparent', v3: 'GRPRN' },
  EXF: { display: 'Extended family', v3: 'EXT' },
  SIB: { display: 'Sibling', v3: 'SIB' },
  BRO: { display: 'Brother', v3: 'BRO' },
  SIS: { display: 'Sister', v3: 'SIS' },
  FND: { display: 'Friend', v3: 'FRND' },
  OAD: { display: 'Other adult' },
  EME: { display: 'Employee' },
  EMR: { display: 'Employer' },
  ASC: { display: 'Associate' },
  EMC: { display: 'Emergency contact' },
  OWN: { display: 'Owner' },
  TRA: { display: 'Trainer' },
  MGR: { display: 'Manager' },
  NON: { display: 'None' },
  UNK: { display: 'Unknown' },
  OTH: { display: 'Other' },
  SEL: { display: 'Self', v3: 'ONESELF' },
};

/** 0131 Contact role. */
export const CONTACT_ROLE: Record<string, string> = {
  C: 'Emergency Contact',
  E: 'Employer',
  F: 'Federal Agency',
  I: 'Insurance Company',
  N: 'Next-of-Kin',
  O: 'Other',
  S: 'State Agency',
  U: 'Unknown',
  EC: 'Emergency Contact',
};

/** 0127 Allergen type → AllergyIntolerance.category. */
export const ALLERGY_CATEGORY: Record<string, 'food' | 'medication' | 'environment' | 'biologic'> = {
  DA: 'medication',
  FA: 'food',
  EA: 'environment',
  AA: 'environment',
  PA: 'environment',
  LA: 'environment',
};

/** 0123 Result status (OBR-25) → DiagnosticReport.status. */
export const REPORT_STATUS: Record<string, fhir4.DiagnosticReport['status']> = {
  O: 'registered',
  I: 'registered',
  S: 'registered',
  A: 'partial',
  P: 'preliminary',
  C: 'corrected',
  R: 'partial',
  F: 'final',
  X: 'cancelled',
};

/** 0085 Observation result status (OBX-11) → Observation.status. */
export const OBSERVATION_STATUS: Record<string, fhir4.Observation['status']> = {
  C: 'corrected',
  D: 'entered-in-error',
  F: 'final',
  I: 'registered',
  N: 'cancelled',
  O: 'registered',
  P: 'preliminary',
  R: 'preliminary',
  S: 'preliminary',
  U: 'final',
  W: 'entered-in-error',
  X: 'cancelled',
  A: 'amended',
};

/** v2 flags spelled differently in v3. */
export const INTERPRETATION_ALIAS: Record<string, string> = { '>U': 'HU', '<U': 'LU', H_: 'H', L_: 'L' };

/** 0038 Order status (ORC-5) → ServiceRequest.status. */
export const ORDER_STATUS: Record<string, fhir4.ServiceRequest['status']> = {
  A: 'active',
  CA: 'revoked',
  CM: 'completed',
  DC: 'revoked',
  ER: 'entered-in-error',
  HD: 'on-hold',
  IP: 'active',
  RP: 'revoked',
  SC: 'active',
};

/** 0119 Order control (ORC-1) → ServiceRequest.status when ORC-5 is empty. */
export const ORDER_CONTROL_STATUS: Record<string, fhir4.ServiceRequest['status']> = {
  NW: 'active',
  OK: 'active',
  SN: 'active',
  NA: 'active',
  XO: 'active',
  XX: 'active',
  RL: 'active',
  SC: 'active',
  HD: 'on-hold',
  OH: 'on-hold',
  CA: 'revoked',
  CR: 'revoked',
  OC: 'revoked',
  DC: 'revoked',
  DR: 'revoked',
  OD: 'revoked',
  RP: 'revoked',
  CN: 'active',
};

/** TQ/TQ1 priority → request priority. */
export const REQUEST_PRIORITY: Record<string, fhir4.ServiceRequest['priority']> = {
  S: 'stat',
  A: 'asap',
  R: 'routine',
  P: 'urgent',
  C: 'urgent',
  T: 'urgent',
};

/** 0278 Filler status (SCH-25) → Appointment.status. */
export const APPOINTMENT_STATUS: Record<string, fhir4.Appointment['status']> = {
  PENDING: 'pending',
  WAITLIST: 'waitlist',
  BOOKED: 'booked',
  STARTED: 'arrived',
  COMPLETE: 'fulfilled',
  CANCELLED: 'cancelled',
  DC: 'cancelled',
  DELETED: 'entered-in-error',
  BLOCKED: 'booked',
  OVERBOOK: 'booked',
  NOSHOW: 'noshow',
};

/** 0443 Provider role (AIP-4) → v3 ParticipationType. */
export const PROVIDER_ROLE: Record<string, string> = {
  AD: 'ADM',
  AT: 'ATND',
  CP: 'CON',
  RP: 'REF',
  PP: 'PPRF',
};

/** 0271 Document completion status (TXA-17) → DocumentReference.docStatus. */
export const DOC_STATUS: Record<string, fhir4.DocumentReference['docStatus']> = {
  AU: 'final',
  LA: 'final',
  DO: 'final',
  DI: 'preliminary',
  IP: 'preliminary',
  IN: 'preliminary',
  PA: 'preliminary',
  CA: 'entered-in-error',
};

/** 0273 Document availability (TXA-19) → DocumentReference.status. */
export const DOC_AVAILABILITY: Record<string, fhir4.DocumentReference['status']> = {
  AV: 'current',
  UN: 'current',
  OB: 'superseded',
  CA: 'entered-in-error',
};

/** 0270 Document type → LOINC document type, for the common ones. */
export const DOCUMENT_TYPE_LOINC: Record<string, { code: string; display: string }> = {
  AR: { code: '18743-5', display: 'Autopsy report' },
  CN: { code: '11488-4', display: 'Consult note' },
  DI: { code: '18748-4', display: 'Diagnostic imaging study' },
  DS: { code: '18842-5', display: 'Discharge summary' },
  ED: { code: '34111-5', display: 'Emergency department note' },
  HP: { code: '34117-2', display: 'History and physical note' },
  OP: { code: '11504-8', display: 'Surgical operation note' },
  PN: { code: '28570-0', display: 'Procedure note' },
  PR: { code: '11506-3', display: 'Progress note' },
  SP: { code: '11526-1', display: 'Pathology study' },
  TS: { code: '18761-7', display: 'Transfer summary note' },
};

/** 0052 Diagnosis type (DG1-6) → Encounter.diagnosis.use (diagnosis-role). */
export const DIAGNOSIS_ROLE: Record<string, { code: string; display: string }> = {
  A: { code: 'AD', display: 'Admission diagnosis' },
  F: { code: 'DD', display: 'Discharge diagnosis' },
};

/** ED type/subtype → MIME type. */
export const MIME_TYPES: Record<string, string> = {
  PDF: 'application/pdf',
  RTF: 'text/rtf',
  HTML: 'text/html',
  XML: 'application/xml',
  JPEG: 'image/jpeg',
  JPG: 'image/jpeg',
  GIF: 'image/gif',
  PNG: 'image/png',
  TIFF: 'image/tiff',
  BMP: 'image/bmp',
  OCTET_STREAM: 'application/octet-stream',
  MSWORD: 'application/msword',
  DOCX: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  PLAIN: 'text/plain',
  TEXT: 'text/plain',
  TX: 'text/plain',
  FT: 'text/plain',
  DICOM: 'application/dicom',
};
