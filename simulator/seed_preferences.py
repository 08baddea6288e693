"""The ``Preferences`` record every new company has, by region.

Shape and values follow Intuit's Preferences sample (developer docs "full update preferences",
copied into python-quickbooks' tests) and the 2019 sandbox capture in quickbooks-ruby's fixtures
[DOC/CAP, qbo-api §8]: every section is present, ``EmailMessagesPrefs`` holds the four default
e-mail templates, ``TimeTrackingPrefs`` names the first day of the work week. Regional values
(fiscal year, date and number formats) are [INF] from what QBO shows a new AU/UK/CA company.
"""

from __future__ import annotations

from typing import Any

__all__ = ["default_preferences"]

_DATE_FORMATS = {"US": ("Month Date Year separated by a slash", "MMDDYYYY_SEP_SLASH", "US Number Format", "US_NB")}
_THANKS = "Thank you for your business and have a great day!"
_OTHER_DATE = ("Date Month Year separated by a slash", "DDMMYYYY_SEP_SLASH", "UK Number Format", "UK_NB")


def _message(kind: str, body: str, company: str) -> dict[str, str]:
    return {"Subject": f"{kind} from {company}",
            "Message": f"{body}\nThank you for your business - we appreciate it very much.\n\nSincerely,\n{company}"}


def default_preferences(*, country: str, currency: str, company_name: str, custom_txn_numbers: bool) -> dict[str, Any]:
    """Every section of a fresh company's Preferences (without Id, SyncToken, MetaData)."""
    fiscal = "July" if country == "AU" else "April" if country in ("GB", "UK") else "January"
    date_format, date_mnemonic, number_format, number_mnemonic = _DATE_FORMATS.get(country, _OTHER_DATE)
    return {
        "AccountingInfoPrefs": {"TrackDepartments": False, "DepartmentTerminology": "Location",
                                "ClassTrackingPerTxn": False, "ClassTrackingPerTxnLine": False,
                                "CustomerTerminology": "Customers", "FirstMonthOfFiscalYear": fiscal,
                                "TaxYearMonth": fiscal, "UseAccountNumbers": False},
        "ProductAndServicesPrefs": {"ForSales": True, "ForPurchase": True, "QuantityWithPriceAndRate": True,
                                    "QuantityOnHand": True},
        "SalesFormsPrefs": {"CustomField": [], "CustomTxnNumbers": custom_txn_numbers, "AllowDeposit": True,
                            "AllowDiscount": True, "AllowEstimates": True, "AllowServiceDate": True,
                            "AllowShipping": False, "AutoApplyCredit": True, "AutoApplyPayments": True,
                            "ETransactionEnabledStatus": "NotApplicable", "ETransactionAttachPDF": False,
                            "ETransactionPaymentEnabled": False, "IPNSupportEnabled": False,
                            "EmailCopyToCompany": False, "UsingPriceLevels": False,
                            "DefaultCustomerMessage": _THANKS,
                            "DefaultTerms": {"value": "3"}},
        "EmailMessagesPrefs": {
            "InvoiceMessage": _message("Invoice", "Your invoice is attached.  Please remit payment at your earliest "
                                                  "convenience.", company_name),
            "EstimateMessage": _message("Estimate", "Please review the estimate below.  Feel free to contact us if "
                                                    "you have any questions.", company_name),
            "SalesReceiptMessage": _message("Sales Receipt", "Your sales receipt is attached.", company_name),
            "StatementMessage": _message("Statement", "Your statement is attached.  Please remit payment at your "
                                                      "earliest convenience.", company_name),
        },
        "VendorAndPurchasesPrefs": {"TrackingByCustomer": True, "BillableExpenseTracking": True,
                                    "DefaultTerms": {"value": "3"}, "POCustomField": []},
        "TimeTrackingPrefs": {"UseServices": True, "BillCustomers": True, "ShowBillRateToAll": False,
                              "WorkWeekStartDate": "Monday", "MarkTimeEntriesBillable": True},
        "TaxPrefs": {"UsingSalesTax": True, "PartnerTaxEnabled": False}
        | ({} if country == "US" else {"TaxGroupCodeRef": {"value": "5"}}),
        "CurrencyPrefs": {"MultiCurrencyEnabled": False, "HomeCurrency": {"value": currency}},
        "ReportPrefs": {"ReportBasis": "Accrual", "CalcAgingReportFromTxnDate": False},
        "OtherPrefs": {"NameValue": [
            {"Name": "SalesFormsPrefs.DefaultCustomerMessage", "Value": _THANKS},
            {"Name": "SalesFormsPrefs.DefaultItem", "Value": "1"},
            {"Name": "DTXCopyMemo", "Value": "false"},
            {"Name": "SFCEnabled", "Value": "true"},
            {"Name": "DataPartner", "Value": "false"},
            {"Name": "TimeTrackingFeatureEnabled", "Value": "true"},
            {"Name": "ProjectsEnabled", "Value": "false"},
            {"Name": "DateFormat", "Value": date_format},
            {"Name": "DateFormatMnemonic", "Value": date_mnemonic},
            {"Name": "NumberFormat", "Value": number_format},
            {"Name": "NumberFormatMnemonic", "Value": number_mnemonic},
            {"Name": "WarnDuplicateCheckNumber", "Value": "true"},
            {"Name": "WarnDuplicateBillNumber", "Value": "false"},
            {"Name": "SignoutInactiveMinutes", "Value": "60"},
            {"Name": "AccountingInfoPrefs.ShowAccountNumbers", "Value": "false"},
        ]},
    }
