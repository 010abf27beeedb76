// unitfile/: the unit-file model (ordered sections, lines kept) and unit names.
export { UnitFile, UnitFileError, parseUnitFile, serializeUnitFile, type UnitEntry, type UnitLine, type UnitSection } from './unit-file.js';
export { escapeSpecifiers, isValidInstanceName, unitNameParts, type UnitNameParts } from './names.js';
export { splitExecLine, type ExecLine } from './exec-line.js';
