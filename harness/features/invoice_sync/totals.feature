@happy_path
Feature: Tax and discounts sync with totals that match QuickBooks to the cent
  Caspen's totals and QuickBooks' computed TotalAmt must agree; a mismatch is reported, never ignored.

  Background:
    Given a Caspen account connected to an Australian QuickBooks company
    And a client "Sam Taylor" with client id 5512345

  Scenario Outline: <mode> invoice with GST and GST free lines and a <discount> discount
    Given a draft invoice for "Sam Taylor" with amounts <mode> and lines:
      | description    | kind    | quantity | unit price | tax rate |
      | Hot water unit | product | 1        | $1,250.00  | GST      |
      | Fresh food     | product | 3        | $4.35      | GST free |
      | Installation   | service | 2.5      | $96.00     | GST      |
    And the invoice has a discount of <discount>
    When I finalize the invoice
    Then the QuickBooks status card shows "Synced"
    And the invoice total in QuickBooks is <total>
    And QuickBooks' total matches Caspen's to the cent

    Examples:
      | mode            | discount | total     |
      | tax exclusive   | 10%      | $1,486.84 |
      | tax inclusive   | 10%      | $1,352.74 |
      | tax exclusive   | $50.00   | $1,597.09 |
      | no tax          | 10%      | $1,352.74 |

  Scenario: GST and GST free lines keep their tax codes in QuickBooks
    Given a draft invoice for "Sam Taylor" with lines:
      | description | kind    | quantity | unit price | tax rate |
      | Labour      | service | 2        | $90.00     | GST      |
      | Fresh food  | product | 4        | $5.00      | GST free |
    When I finalize the invoice
    Then the QuickBooks status card shows "Synced"
    And the invoice total in QuickBooks is $218.00
    And the GST in QuickBooks is $18.00
    And in QuickBooks line 1 has the tax code "GST"
    And in QuickBooks line 2 has the tax code "FRE"

  Scenario: A Caspen rate linked to a QuickBooks tax code of another percentage is reported
    Given a Caspen tax rate "GST 5%" of 5% that is not linked to QuickBooks
    And in Settings → Taxes I sync "GST 5%" with the QuickBooks tax code "GST"
    When I finalize an invoice for "Sam Taylor" of $100.00 with "GST 5%"
    Then the QuickBooks status card shows "Synced"
    And the invoice total in QuickBooks is $110.00
    And the status card warns that QuickBooks' total $110.00 differs from Caspen's $105.00
