// Types for the bundled exceljs the lab's workspace gets as vendor/exceljs.js (see ../vendor.json).
import ExcelJS from 'exceljs';
export default ExcelJS;
export type * from 'exceljs';
