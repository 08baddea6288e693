@article:tax-business-validation
Feature: Tax rates that QuickBooks cannot use
  A line's Caspen tax rate must be linked to an active QuickBooks tax code. Otherwise QuickBooks answers
  with a business validation error (6000) and the card says "Business validation error (tax)". Each
  documented fix ends with Retry and a synced invoice.

  Background:
    Given a Caspen account connected to an Australian QuickBooks company
    And a client "Jo Citizen" with client id 4200042

  Scenario: The Caspen tax rate is not linked: link it with Sync with QuickBooks
    Given the Caspen tax rate "GST" is not linked to QuickBooks
    And a finalized invoice for "Jo Citizen" of $100.00 with GST
    Then the QuickBooks status card shows "Business validation error (tax)"
    And the status card offers Retry
    And QuickBooks received exactly 1 invoice create
    And Caspen did not retry automatically
    When in Settings → Taxes I sync "GST" with the QuickBooks tax code "GST"
    And I press Retry on the status card
    Then the QuickBooks status card shows "Synced"

  Scenario: The linked QuickBooks tax code is inactive: reactivate it in QuickBooks
    Given in QuickBooks the tax code "GST" is inactive
    And a finalized invoice for "Jo Citizen" of $100.00 with GST
    Then the QuickBooks status card shows "Business validation error (tax)"
    When in QuickBooks the tax code "GST" is reactivated
    And I press Retry on the status card
    Then the QuickBooks status card shows "Synced"

  Scenario: The tax code is missing in QuickBooks: create it there, then link it
    Given a Caspen tax rate "GST 5%" of 5% that is not linked to QuickBooks
    And a finalized invoice for "Jo Citizen" of $100.00 with "GST 5%"
    Then the QuickBooks status card shows "Business validation error (tax)"
    When in QuickBooks the tax code "GST 5" is created with a rate of 5%
    And in Settings → Taxes I sync "GST 5%" with the QuickBooks tax code "GST 5"
    And I press Retry on the status card
    Then the QuickBooks status card shows "Synced"
    And QuickBooks has the invoice with a total of $105.00

  Scenario: The tax rate is missing in Caspen: add it and link it
    Given a finalized invoice for "Jo Citizen" with a line "Imported filter" of 1 × $100.00 with no tax rate
    Then the QuickBooks status card shows "Business validation error (tax)"
    When I add the tax rate "GST free" of 0% in Caspen
    And in Settings → Taxes I sync "GST free" with the QuickBooks tax code "FRE"
    And I revert the invoice to draft
    And I set the tax rate of every line to "GST free"
    And I finalize the invoice
    Then the QuickBooks status card shows "Synced"
    And QuickBooks has the invoice with a total of $100.00

  Scenario Outline: The tax error in a company in <region>
    Given a Caspen account connected to a QuickBooks company in <region>
    And a client "Jo Citizen" with client id 4200042
    And the Caspen tax rate "<rate>" is not linked to QuickBooks
    And a finalized invoice for "Jo Citizen" of $100.00 with "<rate>"
    Then the QuickBooks status card shows "Business validation error (tax)"
    And QuickBooks said "<wording>"
    And Caspen did not retry automatically

    Examples:
      | region         | rate    | wording                                                                       |
      | Australia      | GST     | Make sure all your transactions have a GST rate before you save.             |
      | United Kingdom | VAT     | Make sure all your transactions have a VAT rate before you save.             |
      | Canada         | GST/HST | Make sure all your transactions have a GST/HST rate before you save.         |
